/* proxy_load: the load of the capture proxy benchmark (bench/proxy). N
 * clients at once, each a kept-alive connection, send TOTAL requests in all
 * to URL and print each one's time to first byte and to last byte.
 *   proxy_load URL KEY N TOTAL [BODY]    (BODY: POST it; else GET)
 * PROXY_LOAD_RAMP_MS spreads the clients' first requests over that long, so
 * clients whose requests all take as long do not stay in lockstep (64
 * independent applications do not send in waves of 64).
 * Each client's first request, which opens its connection, is sent on top of
 * TOTAL and not measured: applications keep their connections, and a
 * connection's setup is not what a request through it costs.
 * Prints "ttfb_us ttlb_us" per measured request on stdout, then on stderr
 * "requests N seconds S failed F": the requests finished from the moment
 * every client was warm, and how long that took (their rate). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

static CURL *client(const char *url, struct curl_slist *headers, const char *body)
{
	CURL *e = curl_easy_init();
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	return e;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: proxy_load URL KEY N TOTAL [BODY]\n");
		return 2;
	}
	const char *url = argv[1], *body = argc > 5 ? argv[5] : NULL;
	int n = atoi(argv[3]);
	long total = atol(argv[4]) + n, started = 0, finished = 0, failed = 0;
	char auth[512];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", argv[2]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct curl_slist *headers = curl_slist_append(NULL, auth);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	CURLM *multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	const char *ramp_env = getenv("PROXY_LOAD_RAMP_MS");
	double ramp_ms = ramp_env ? atof(ramp_env) : 0;
	struct timespec t0, t1, now, measured_from = {0};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int joined = 0, warmed = 0; /* clients started so far; their first requests done */
	long timed = 0;             /* measured requests finished once every client was warm */
	while (finished < total) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		double ms = (double)(now.tv_sec - t0.tv_sec) * 1e3 + (double)(now.tv_nsec - t0.tv_nsec) / 1e6;
		while (joined < n && started < total && (ramp_ms <= 0 || ms >= ramp_ms * joined / n)) {
			curl_multi_add_handle(multi, client(url, headers, body));
			joined++;
			started++;
		}
		int running, left;
		curl_multi_perform(multi, &running);
		CURLMsg *m;
		while ((m = curl_multi_info_read(multi, &left))) {
			if (m->msg != CURLMSG_DONE)
				continue;
			CURL *e = m->easy_handle;
			long status = 0;
			curl_off_t ttfb = 0, ttlb = 0;
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
			curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
			curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &ttlb);
			char *warm = NULL;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, &warm);
			if (m->data.result != CURLE_OK || status != 200)
				failed++;
			else if (warm)
				printf("%ld %ld\n", (long)ttfb, (long)ttlb);
			if (warm && measured_from.tv_sec)
				timed++;
			if (!warm && ++warmed == n)
				clock_gettime(CLOCK_MONOTONIC, &measured_from);
			curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)"warm");
			finished++;
			curl_multi_remove_handle(multi, e);
			if (started < total) { /* the same handle again: its connection is kept */
				curl_multi_add_handle(multi, e);
				started++;
			} else {
				curl_easy_cleanup(e);
			}
		}
		if (finished < total)
			curl_multi_poll(multi, NULL, 0, joined < n ? 1 : 1000, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!measured_from.tv_sec)
		measured_from = t0;
	fprintf(stderr, "requests %ld seconds %.3f failed %ld\n", timed,
	        (double)(t1.tv_sec - measured_from.tv_sec) + (double)(t1.tv_nsec - measured_from.tv_nsec) / 1e9,
	        failed);
	curl_multi_cleanup(multi);
	curl_slist_free_all(headers);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
