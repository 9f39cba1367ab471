#include "capture.h"

#include "json_span.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* The ID in a path segment: "/responses/resp_1/input_items" at "resp_1". */
static char *segment(const char *p)
{
	size_t n = strcspn(p, "/");
	return n ? xstrndup(p, n) : NULL;
}

int capture_wanted(const char *method, const char *path, char **parent_id)
{
	*parent_id = NULL;
	/* what GET and POST answer are objects; DELETE, delete markers */
	int read = !strcmp(method, "GET") || !strcmp(method, "POST") || !strcmp(method, "DELETE");
	if (!strncmp(path, "/responses", 10) && (path[10] == '\0' || path[10] == '/') && read) {
		const char *rest = path[10] ? strchr(path + 11, '/') : NULL;
		if (rest && !strcmp(rest, "/input_items"))
			*parent_id = segment(path + 11);
		return 1;
	}
	if (!strncmp(path, "/conversations", 14) && (path[14] == '\0' || path[14] == '/') && read) {
		const char *rest = path[14] ? strchr(path + 15, '/') : NULL;
		if (rest && !strcmp(rest, "/items"))
			*parent_id = segment(path + 15);
		return 1;
	}
	if (!strncmp(path, "/containers", 11) && (path[11] == '\0' || path[11] == '/')) {
		/* a file's content is the file, not an API object */
		return read && !strstr(path, "/content");
	}
	return 0;
}

char *capture_request_conversation(const char *body, size_t len)
{
	json_t *doc = json_loadb(body, len, 0, NULL);
	const json_t *conv = json_object_get(doc, "conversation");
	const char *id =
	    json_is_string(conv) ? json_string_value(conv) : json_string_value(json_object_get(conv, "id"));
	char *out = id && !strncmp(id, "conv_", 5) ? xstrdup(id) : NULL;
	json_decref(doc);
	return out;
}

/* body inflated (gzip or zlib: windowBits 15 + 32; deflate sent raw: -15).
 * 0, or -1 with *why. */
static int inflate_body(const char *body, size_t len, int window, struct buf *out, char **why)
{
	z_stream z = {0};
	if (inflateInit2(&z, window) != Z_OK) {
		*why = xstrdup("cannot start zlib");
		return -1;
	}
	z.next_in = (unsigned char *)body;
	z.avail_in = (uInt)len;
	char chunk[65536];
	int rc;
	do {
		z.next_out = (unsigned char *)chunk;
		z.avail_out = sizeof chunk;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		buf_append(out, chunk, sizeof chunk - z.avail_out);
		if (out->len > CAPTURE_MAX_BYTES) {
			rc = Z_MEM_ERROR;
			break;
		}
	} while (rc != Z_STREAM_END && (z.avail_in || !z.avail_out));
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		*why = xstrdup(out->len > CAPTURE_MAX_BYTES ? "a compressed reply larger than 32 MiB unpacked"
		                                            : "a compressed reply that does not inflate");
		return -1;
	}
	return 0;
}

static int is_final(const char *type)
{
	return !strcmp(type, "response.completed") || !strcmp(type, "response.incomplete") ||
	       !strcmp(type, "response.failed");
}

/* Of a server-sent event stream: the "response" object of its final event
 * or, when the stream ended without one (cut short), of the latest event
 * carrying one, so the response's ID is still known. 0 and *out, or 1. */
static int stream_response(const char *text, size_t len, char **out, size_t *out_len)
{
	struct buf data = {0};
	char *best = NULL;
	size_t best_len = 0;
	int best_final = 0;
	const char *p = text, *end = text + len;
	while (p <= end) {
		const char *eol = p;
		while (eol < end && *eol != '\n' && *eol != '\r')
			eol++;
		size_t n = (size_t)(eol - p);
		if (n == 0) { /* a blank line dispatches the event */
			struct json_span response = {NULL, 0};
			json_t *event = data.len && !best_final && strstr(data.data, "\"response\"")
			                    ? json_loadb(data.data, data.len, 0, NULL)
			                    : NULL;
			const char *type = json_string_value(json_object_get(event, "type"));
			if (type && json_is_object(json_object_get(event, "response")))
				response = json_span_member(data.data, data.len, "response");
			if (response.start) {
				free(best);
				best = xstrndup(response.start, response.len);
				best_len = response.len;
				best_final = is_final(type);
			}
			json_decref(event);
			buf_reset(&data);
		} else if (n >= 5 && !strncmp(p, "data:", 5)) {
			const char *v = p + 5 + (n > 5 && p[5] == ' ');
			if (data.len)
				buf_putc(&data, '\n');
			buf_append(&data, v, (size_t)(eol - v));
		}
		if (eol >= end)
			break;
		p = eol + (eol + 1 < end && eol[0] == '\r' && eol[1] == '\n' ? 2 : 1);
	}
	buf_free(&data);
	if (!best)
		return 1;
	*out = best;
	*out_len = best_len;
	return 0;
}

int capture_is_stream(const char *content_type)
{
	return content_type && !strncasecmp(content_type, "text/event-stream", 17);
}

int capture_document(const char *body, size_t len, const char *content_type, const char *content_encoding, char **out,
                     size_t *out_len, char **why)
{
	struct buf inflated = {0};
	if (content_encoding && *content_encoding && strcasecmp(content_encoding, "identity")) {
		int window = !strcasecmp(content_encoding, "gzip")      ? 15 + 32
		             : !strcasecmp(content_encoding, "deflate") ? 15 + 32
		                                                        : 0;
		if (!window) {
			*why = xasprintf("a reply in Content-Encoding %.40s, which the recorder cannot read",
			                 content_encoding);
			return -1;
		}
		if (inflate_body(body, len, window, &inflated, why)) {
			buf_free(&inflated);
			return -1;
		}
		body = inflated.data ? inflated.data : "";
		len = inflated.len;
	}
	int rc = 1;
	if (capture_is_stream(content_type)) {
		rc = stream_response(body, len, out, out_len);
	} else if (content_type && (!strncasecmp(content_type, "application/json", 16))) {
		*out = xstrndup(body, len);
		*out_len = len;
		rc = 0;
	}
	buf_free(&inflated);
	return rc;
}
