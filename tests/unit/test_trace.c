/* trace: the journal writer and the loader, round trip and every way a
 * file can be wrong. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "trace.h"

static char dir[] = "/tmp/canopy-test-trace-XXXXXX";

static const char *header_line =
	"{\"canopy\":1,\"problem\":{\"text\":\"What is 2+3?\",\"answer\":\"5\"},"
	"\"strategy\":{\"name\":\"sc\",\"n\":2},\"backend\":{\"kind\":\"sim\"},\"seed\":1}";

static char *write_file(const char *name, const char *content)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(content, f);
	fclose(f);
	return path;
}

/* Loads a header plus body; returns the error text ("" when it loaded). */
static char *load_err(const char *body, char *warn, size_t warnlen)
{
	static char err[768];
	size_t n = strlen(header_line) + strlen(body) + 2;
	char *content = malloc(n);
	snprintf(content, n, "%s\n%s", header_line, body);
	char *path = write_file("t.jsonl", content);
	struct trace tr;
	err[0] = '\0';
	char w[512];
	if (!trace_load(path, &tr, NULL, NULL, err, sizeof err, w, sizeof w)) {
		trace_free(&tr);
		if (warn)
			snprintf(warn, warnlen, "%s", w);
	}
	free(content);
	free(path);
	/* strip the directory so expectations are short */
	char *slash = strrchr(err, '/');
	return slash ? slash + 1 : err;
}

/* An event held past its scratch keeps every string and array: the UI
 * keeps the latest vote, final and verdict this way, and a field the
 * writer left out reads as absent. */
static void test_hold(void)
{
	struct event_scratch sc;
	memset(&sc, 0, sizeof sc);
	struct event ev;
	char err[256];
	struct event_hold vote = {0}, verdict = {0}, fin = {0};
	const char *vl = "{\"seq\":5,\"t\":1,\"ev\":\"vote\",\"chosen\":\"\\\\frac{1}{2}\","
			 "\"clusters\":[{\"answer\":\"\\\\frac{1}{2}\",\"count\":3,\"weight\":2.5,\"nodes\":[4,7,9]},"
			 "{\"answer\":\"say \\\"hi\\\" \\u00e9\",\"count\":1,\"weight\":0.5,\"nodes\":[2]}]}";
	ok(!event_parse(vl, strlen(vl), &ev, &sc, err, sizeof err), "a vote line parses");
	event_hold_set(&vote, &ev);
	const char *dl = "{\"seq\":6,\"t\":1,\"ev\":\"verdict\",\"what\":\"difficulty\",\"label\":\"hard\","
			 "\"values\":{\"cond1\":0,\"cond2\":1}}";
	ok(!event_parse(dl, strlen(dl), &ev, &sc, err, sizeof err), "a verdict line parses");
	event_hold_set(&verdict, &ev);
	const char *fl = "{\"seq\":7,\"t\":1,\"ev\":\"final\",\"answer\":\"a\\\"b\",\"node\":4,\"correct\":false}";
	ok(!event_parse(fl, strlen(fl), &ev, &sc, err, sizeof err), "a final line parses");
	event_hold_set(&fin, &ev);
	/* the scratch is reused and then freed: the holds must not care */
	const char *other = "{\"seq\":8,\"t\":1,\"ev\":\"vote\",\"chosen\":\"zzzzzzzzzzzz\",\"clusters\":[]}";
	event_parse(other, strlen(other), &ev, &sc, err, sizeof err);
	event_scratch_free(&sc);
	is_str(vote.ev.answer, "\\frac{1}{2}", "the held vote's chosen answer, decoded");
	is_int(vote.ev.nclusters, 2, "both clusters held");
	is_str(vote.ev.clusters[1].answer, "say \"hi\" \xc3\xa9", "a cluster answer with quotes and \\u00e9, decoded");
	is_int(vote.ev.clusters[0].nnodes, 3, "a cluster's nodes held");
	is_int(vote.ev.clusters[0].nodes[2], 9, "with their ids");
	is_num(vote.ev.clusters[0].weight, 2.5, 0, "and its weight");
	is_str(verdict.ev.label, "hard", "the held verdict's label");
	is_num(event_value(&verdict.ev, "cond2"), 1, 0, "a number the verdict holds");
	ok(isnan(event_value(&verdict.ev, "c_orm")), "a number it does not hold is NAN, not garbage");
	is_str(fin.ev.answer, "a\"b", "the final answer with a quote, whole");
	is_int(fin.ev.correct, 0, "and whether it was right");
	ok(fin.ev.reason == NULL, "a reason the line leaves out stays absent");
	/* a hold set again from its own event keeps it whole */
	event_hold_set(&vote, &vote.ev);
	is_str(vote.ev.clusters[0].answer, "\\frac{1}{2}", "a hold set from itself survives");
	event_hold_clear(&vote);
	event_hold_clear(&verdict);
	event_hold_clear(&fin);
	ok(!vote.held && !vote.mem, "a cleared hold is empty");
}

#define N0 "{\"seq\":1,\"t\":0,\"ev\":\"node\",\"id\":0,\"kind\":\"problem\",\"text\":\"What is 2+3?\"}\n"

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_hold();

	/* ---- round trip through the writer ---- */
	cJSON *hj = cJSON_Parse(header_line);
	char err[768], warn[512];
	struct trace_header h;
	ok(!header_decode(hj, &h, err, sizeof err), "the header decodes");
	cJSON_Delete(hj);
	char path[256];
	snprintf(path, sizeof path, "%s/rt.jsonl", dir);
	struct trace_writer *w = trace_writer_create(path, &h, err, sizeof err);
	ok(w != NULL, "the writer creates the journal");
	struct tree *mine = tree_new();
	struct event ev;
	uint64_t seq = 0;
#define EMIT() do { ev.seq = ++seq; ev.t = seq * 0.01; event_apply(mine, &ev, err, sizeof err); trace_writer_event(w, &ev); } while (0)
	event_init(&ev, EV_NODE);
	ev.id = 0; ev.kind = NODE_PROBLEM; ev.text = "What is 2+3?"; ev.text_len = 12;
	EMIT();
	event_init(&ev, EV_NODE);
	ev.id = 1; ev.parent = 0; ev.kind = NODE_STEP; ev.text = "Step 1: 2 + 3 = 5.\n\"quoted\" \xc3\x97"; ev.text_len = strlen(ev.text); ev.tokens = 9;
	EMIT();
	event_init(&ev, EV_NODE);
	ev.id = 2; ev.parent = 0; ev.kind = NODE_CRITIQUE; ev.text = "c"; ev.text_len = 1; ev.round = 2; ev.action = 3;
	EMIT();
	event_init(&ev, EV_SCORE);
	ev.id = 1; ev.prm = 0.8125; ev.orm = 0.25;
	EMIT();
	event_init(&ev, EV_STATS);
	ev.id = 1; ev.visits = 3; ev.value = 1.5; ev.uct = 2.25;
	EMIT();
	event_init(&ev, EV_ANSWER);
	ev.id = 1; ev.answer = "5";
	EMIT();
	int32_t keep[] = {1, 2};
	event_init(&ev, EV_KEEP);
	ev.n = 1; ev.ids = keep; ev.nids = 2;
	EMIT();
	int32_t members[] = {1};
	struct vote_cluster cl[] = {{"5", 1, 0.8125, members, 1}};
	event_init(&ev, EV_VOTE);
	ev.answer = "5"; ev.clusters = cl; ev.nclusters = 1;
	EMIT();
	event_init(&ev, EV_PRUNE);
	ev.id = 2; ev.by_user = 1;
	EMIT();
	event_init(&ev, EV_CMD);
	ev.text = "expand"; ev.text_len = 6; ev.id = 1; ev.n = 4; ev.by_user = 1;
	EMIT();
	event_init(&ev, EV_SET);
	ev.param = "width"; ev.reason = "8"; ev.by_user = 1;
	EMIT();
	event_init(&ev, EV_ERROR);
	ev.text = "server said no"; ev.text_len = 14; ev.id = 1;
	EMIT();
	event_init(&ev, EV_USAGE);
	ev.usage.gen_tokens = 9; ev.usage.prompt_tokens = 30; ev.usage.requests = 2; ev.usage.scorer_calls = 1; ev.usage.estimated = 1;
	EMIT();
	event_init(&ev, EV_FINAL);
	ev.answer = "5"; ev.id = 1; ev.correct = 1; ev.reason = "majority";
	EMIT();
	trace_writer_close(w);
	header_free(&h);

	struct trace tr;
	ok(!trace_load(path, &tr, NULL, NULL, err, sizeof err, warn, sizeof warn), "the journal loads back");
	is_int(tr.events, 14, "every event read");
	is_int(tree_count(tr.tree), 3, "three nodes");
	const struct node *n1 = tree_node(tr.tree, 1);
	is_str(n1->text, "Step 1: 2 + 3 = 5.\n\"quoted\" \xc3\x97", "text survives escaping");
	is_num(n1->prm, 0.8125, 0, "PRM score");
	is_num(n1->orm, 0.25, 0, "ORM score");
	ok(n1->visits == 3 && n1->value == 1.5 && n1->uct == 2.25f, "visits, value, UCT");
	is_int(n1->tokens, 9, "token count");
	is_str(n1->answer, "5", "answer");
	ok((n1->flags & NF_KEPT) && (n1->flags & NF_FINAL) && (n1->flags & NF_TERMINAL), "kept, final, terminal flags");
	ok(tree_node(tr.tree, 2)->flags & NF_PRUNED, "pruned by the user");
	ok(tree_node(tr.tree, 2)->round == 2 && tree_node(tr.tree, 2)->action == 3, "round and action");
	is_str(tr.final_answer, "5", "final answer");
	is_int(tr.final_correct, 1, "graded correct");
	ok(tr.usage.gen_tokens == 9 && tr.usage.requests == 2 && tr.usage.estimated, "usage totals");
	is_int(tr.errors, 1, "error events counted");
	is_str(tr.header.gold, "5", "gold answer from the header");
	is_str(tr.header.strategy, "sc", "strategy from the header");
	is_str(warn, "", "no warning for a clean file");
	trace_free(&tr);
	tree_free(mine);

	/* ---- every malformed case: FILE:LINE: what ---- */
	char *e;
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":1,\"parent\":0,\"kind\":\"step\",\"text\":\"x\"\n"
		     "{\"seq\":3,\"t\":0,\"ev\":\"prune\",\"id\":1,\"by\":\"user\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: bad JSON at column 70: unterminated object", "bad JSON in the middle");
	e = load_err(N0 "{\"seq\":3,\"t\":0,\"ev\":\"score\",\"id\":0,\"prm\":0.5}\n", NULL, 0);
	is_str(e, "t.jsonl:3: seq gap: expected 2, found 3", "a seq gap");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"score\",\"id\":7,\"prm\":0.5}\n", NULL, 0);
	is_str(e, "t.jsonl:3: score refers to node 7, which does not exist", "an id that does not exist");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":1,\"parent\":9,\"kind\":\"step\",\"text\":\"x\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: parent refers to node 9, which does not exist", "a parent that does not exist");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":5,\"parent\":0,\"kind\":\"step\",\"text\":\"x\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: node id 5 out of order (expected 1)", "node ids in order");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":1,\"parent\":0,\"kind\":\"step\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: missing field \"text\"", "a missing field");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"score\",\"id\":\"0\",\"prm\":0.5}\n", NULL, 0);
	is_str(e, "t.jsonl:3: field \"id\" has the wrong type", "a field of the wrong type");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"score\",\"id\":0}\n", NULL, 0);
	is_str(e, "t.jsonl:3: a score event needs \"prm\", \"orm\" or \"prior\"", "a score without a score");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"teleport\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: unknown event type \"teleport\"", "an unknown event type");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":1,\"parent\":0,\"kind\":\"poem\",\"text\":\"x\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: unknown node kind \"poem\"", "an unknown node kind");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"prune\",\"id\":0,\"by\":\"cat\"}\n", NULL, 0);
	is_str(e, "t.jsonl:3: field \"by\" must be \"user\" or \"search\"", "prune needs user or search");
	e = load_err("{\"seq\":1,\"t\":0,\"ev\":\"node\",\"id\":0,\"parent\":3,\"kind\":\"problem\",\"text\":\"x\"}\n", NULL, 0);
	is_str(e, "t.jsonl:2: node 0 must be the problem, without a parent", "the root is the problem");
	e = load_err(N0 "{\"seq\":2,\"t\":-5,\"ev\":\"score\",\"id\":0,\"prm\":0.5}\n", NULL, 0);
	is_str(e, "t.jsonl:3: time goes backwards (t=-5 after t=0)", "time never goes backwards");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"keep\",\"level\":1,\"ids\":[0,4]}\n", NULL, 0);
	is_str(e, "t.jsonl:3: keep refers to node 4, which does not exist", "keep checks every id");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"vote\",\"chosen\":\"5\",\"clusters\":[{\"answer\":\"5\",\"count\":1}]}\n", NULL, 0);
	is_str(e, "t.jsonl:3: cluster 1 needs \"answer\", \"count\", \"weight\" and \"nodes\"", "vote clusters are checked");
	e = load_err(N0 "\n", NULL, 0);
	is_str(e, "t.jsonl:3: bad JSON at column 1: expected a JSON object", "a blank line is not an event");

	/* the torn last line of a killed run is accepted, with a warning */
	char wbuf[512] = "";
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"score\",\"id\":0,\"pr", wbuf, sizeof wbuf);
	is_str(e, "", "a torn last line still loads");
	ok(strstr(wbuf, "t.jsonl:3: warning: torn last line ignored") != NULL, "and says so");
	e = load_err(N0 "{\"seq\":2,\"t\":0,\"ev\":\"score\",\"id\":0,\"prm\":0.5}", wbuf, sizeof wbuf);
	is_str(e, "", "a complete last line without its newline is fine");
	is_str(wbuf, "", "without a warning");

	/* the header */
	char *p = write_file("h.jsonl", "");
	ok(trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) && strstr(err, "h.jsonl:1: empty file"),
	   "an empty file");
	free(p);
	p = write_file("h.jsonl", "{\"canopy\":2,\"problem\":{\"text\":\"x\"},\"strategy\":{\"name\":\"sc\"},\"backend\":{\"kind\":\"sim\"},\"seed\":1}\n");
	ok(trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) &&
	   strstr(err, "h.jsonl:1: unknown trace format version 2 (this canopy reads version 1)"), "an unknown version");
	free(p);
	p = write_file("h.jsonl", "{\"canopy\":1,\"problem\":{\"text\":\"x\"},\"backend\":{\"kind\":\"sim\"},\"seed\":1}\n");
	ok(trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) &&
	   strstr(err, "h.jsonl:1: header: missing \"strategy\" object"), "a header without a strategy");
	free(p);
	p = write_file("h.jsonl", "{\"canopy\":1,\"problem\":{\"text\":\"x\"},\"strat");
	ok(trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) &&
	   strstr(err, "h.jsonl:1: torn header line"), "a torn header is an error");
	free(p);
	p = write_file("h.jsonl", "hello\n");
	ok(trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) &&
	   strstr(err, "h.jsonl:1: header is not valid JSON"), "not a trace at all");
	free(p);
	ok(trace_load("/nonexistent/x.jsonl", &tr, NULL, NULL, err, sizeof err, NULL, 0) &&
	   !strcmp(err, "/nonexistent/x.jsonl: No such file or directory"), "a missing file names the path");

	/* a long line (bigger than the read buffer) */
	size_t big = 3 << 20;
	char *content = malloc(big + 1024);
	int off = sprintf(content, "%s\n" N0 "{\"seq\":2,\"t\":0,\"ev\":\"node\",\"id\":1,\"parent\":0,\"kind\":\"step\",\"text\":\"", header_line);
	memset(content + off, 'y', big);
	strcpy(content + off + big, "\"}\n");
	p = write_file("big.jsonl", content);
	ok(!trace_load(p, &tr, NULL, NULL, err, sizeof err, NULL, 0) && tree_node(tr.tree, 1)->text_len == big,
	   "a 3 MiB step text loads");
	trace_free(&tr);
	unlink(p);
	free(p);
	free(content);
	return tap_done();
}
