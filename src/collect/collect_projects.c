/* Which OpenAI project the project key belongs to. OpenAI's Usage and Costs
 * APIs group by real project IDs (proj_...), while collected objects carry
 * the --project label (default "default"): reconcile can only match them per
 * project when it knows what the label stands for. With an admin key, list
 * the organization's projects (GET /organization/projects) and each one's
 * API keys (GET /organization/projects/{id}/api_keys, which show a key only
 * as "sk-abc...def"); the one project holding a key whose redacted value
 * fits the project key is the label's (label_projects). Anything short of
 * exactly one is a warning, and reconcile compares org-wide. */
#include "collect.h"

#include "collect_state.h"

#include "error.h"
#include "log.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int page_stored(struct pages *p, const char *next)
{
	return collector_checkpoint(p->c, 1);
}

/* Whether a redacted value ("sk-abc...def", or with "…") fits key: it
 * starts with the part before the dots and ends with the part after. */
static int fits(const char *redacted, const char *key)
{
	const char *dots = strstr(redacted, "...");
	if (!dots)
		dots = strstr(redacted, "\xe2\x80\xa6"); /* "…", three bytes too */
	if (!dots)
		return 0;
	size_t head = (size_t)(dots - redacted), tail = strlen(dots + 3), n = strlen(key);
	return head + tail >= 4 && head + tail < n && !strncmp(key, redacted, head) &&
	       !strcmp(key + n - tail, dots + 3);
}

struct match {
	const char *key;
	char *project; /* the first project found holding the key */
	int projects;  /* how many different projects hold it */
};

static int match_key(void *ctx, const char *project_id, const char *redacted)
{
	struct match *m = ctx;
	if (!fits(redacted, m->key) || (m->project && !strcmp(m->project, project_id)))
		return 0;
	if (!m->project)
		m->project = xstrdup(project_id);
	m->projects++;
	return 0;
}

int collect_key_project(struct collector *c, volatile int *interrupted)
{
	const char *label = c->options->target.project;
	const char *key = c->options->keys->api;
	char **projects = NULL;
	struct match m = {.key = key};
	if (!strncmp(label, "proj_", 5) || !key || !*key)
		return 0;
	struct pages p = {.c = c,
	                  .base_path = "/organization/projects?limit=100",
	                  .admin = 1,
	                  .optional = 1,
	                  .cursors.kind = CURSOR_LAST_ID,
	                  .stored = page_stored};
	if (collector_fetch_pages(&p, NULL, interrupted))
		return -1;
	if (p.refused || *interrupted)
		goto unknown;
	if (store_project_ids(c->store, &projects))
		return collector_fatal(c, "cannot read the stored projects: %s", error_message());
	for (char **id = projects; *id && !*interrupted && !p.refused; id++) {
		char *escaped = http_escape(*id);
		char *base = xasprintf("/organization/projects/%s/api_keys?limit=100", escaped);
		struct pages keys = {.c = c,
		                     .base_path = base,
		                     .parent_id = *id,
		                     .admin = 1,
		                     .optional = 1,
		                     .cursors.kind = CURSOR_LAST_ID,
		                     .stored = page_stored};
		int rc = collector_fetch_pages(&keys, NULL, interrupted);
		p.refused |= keys.refused;
		free(base);
		free(escaped);
		if (rc)
			goto fatal;
	}
	if (p.refused || *interrupted)
		goto unknown;
	if (store_each_project_key(c->store, match_key, &m))
		goto fatal;
	if (m.projects != 1) {
		log_warn("collect: %s of the organization's project API keys fit the project key: which project "
		         "containers labelled '%s' belong to is unknown; reconcile compares org-wide",
		         m.projects ? "several" : "none", label);
		goto done;
	}
	if (store_link_label_project(c->store, label, m.project, (int64_t)time(NULL)))
		goto fatal;
	log_notice("collect: the project key belongs to %s: containers labelled '%s' are reconciled with its usage "
	           "and costs",
	           m.project, label);
	goto done;
unknown:
	if (!*interrupted)
		log_warn("collect: cannot learn which project the key belongs to (the admin key could not list the "
		         "organization's projects and their keys): reconcile compares org-wide");
done:
	for (char **id = projects; id && *id; id++)
		free(*id);
	free(projects);
	free(m.project);
	return 0;
fatal:
	for (char **id = projects; id && *id; id++)
		free(*id);
	free(projects);
	free(m.project);
	return c->fatal ? -1 : collector_fatal(c, "cannot store the projects: %s", error_message());
}
