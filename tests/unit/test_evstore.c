/* evstore: every event type packed and unpacked is the same event (its
 * journal line compared byte for byte), records larger than a chunk and
 * thousands across chunks come back whole, and strings stay put. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evstore.h"
#include "tap.h"

static void line_of(const struct event *ev, struct strbuf *sb)
{
	sb_reset(sb);
	event_format(sb, ev);
}

int main(void)
{
	struct evstore st;
	evstore_init(&st);
	struct event evs[16];
	int32_t ids[] = {3, 7, 11};
	int32_t n1[] = {1, 2}, n2[] = {5};
	struct vote_cluster cl[] = {{"\\frac{1}{2}", 2, 1.25, n1, 2}, {"say \"x\" \xc3\xa9", 1, 0.5, n2, 1}};
	const char *keys[] = {"cond1_mean_z", "c_orm"};
	double vals[] = {-0.25, 0.875};
	struct usage u = {1234, 99, 17, 4, 8, 1};
	size_t k = 0;
	event_node(&evs[k++], 0, NODE_NONE, NODE_PROBLEM, "What is 2+3?", 12, 0, 0, -1);
	event_node(&evs[k++], 1, 0, NODE_REFINEMENT, "Step 1: 2 + 3 = 5.\n\"q\" \xc3\x97", 24, 9, 3, 2);
	event_score(&evs[k++], 1, 0.8125, NAN);
	event_score(&evs[k], 1, NAN, 0.25);
	evs[k++].prior = 0.5;
	event_init(&evs[k], EV_STATS);
	evs[k].id = 1, evs[k].visits = 4000000000u, evs[k].value = -2.5, evs[k].uct = 1.75, evs[k].q = 0.5;
	k++;
	event_init(&evs[k], EV_PRUNE);
	evs[k].id = 1, evs[k].by_user = 1;
	k++;
	event_answer(&evs[k++], 1, "5");
	event_keep(&evs[k++], 2, ids, 3);
	event_vote(&evs[k++], "\\frac{1}{2}", cl, 2);
	event_init(&evs[k], EV_CMD);
	evs[k].text = "expand", evs[k].text_len = 6, evs[k].id = 1, evs[k].n = 3, evs[k].by_user = 1;
	k++;
	event_init(&evs[k], EV_SET);
	evs[k].param = "width", evs[k].reason = "3", evs[k].by_user = 1;
	k++;
	event_init(&evs[k], EV_ALLOC);
	evs[k].id = 1, evs[k].n = 4, evs[k].value = 0.625;
	k++;
	event_verdict(&evs[k++], NODE_NONE, "difficulty", "hard", keys, vals, 2);
	event_init(&evs[k], EV_USAGE);
	evs[k++].usage = u;
	event_unit(&evs[k++], 5, "level");
	event_final(&evs[k++], "5", 1, "majority vote", "5");
	for (size_t i = 0; i < k; i++) {
		evs[i].seq = i + 1;
		evs[i].t = (double)i * 0.001 + 1e-3 / 3;
		evstore_add(&st, &evs[i]);
	}
	/* a record bigger than a chunk, then thousands more */
	size_t big = (1u << 20) + 12345;
	char *text = malloc(big + 1);
	for (size_t i = 0; i < big; i++)
		text[i] = (char)('a' + i % 26);
	text[big] = '\0';
	struct event bigev;
	event_node(&bigev, 2, 0, NODE_STEP, text, big, 7, 0, -1);
	bigev.seq = k + 1;
	evstore_add(&st, &bigev);
	for (size_t i = 0; i < 50000; i++) {
		struct event e;
		event_score(&e, (int32_t)i, (double)i / 50000, NAN);
		e.seq = k + 2 + i;
		evstore_add(&st, &e);
	}
	is_int(evstore_count(&st), k + 1 + 50000, "every event is stored");
	struct event_scratch sc;
	memset(&sc, 0, sizeof sc);
	struct strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	int same = 1;
	for (size_t i = 0; i < k; i++) {
		struct event got;
		evstore_get(&st, i, &got, &sc);
		line_of(&evs[i], &a);
		line_of(&got, &b);
		if (strcmp(a.s, b.s)) {
			same = 0;
			printf("# want %s# got  %s", a.s, b.s);
		}
		ok(got.type == evs[i].type, "event %zu (%s) comes back as its type", i, event_type_name(evs[i].type));
	}
	ok(same, "every event type's journal line is the same after the store");
	struct event got;
	evstore_get(&st, 1, &got, &sc);
	is_int(got.text_len, 24, "a node's text length");
	ok(got.text[got.text_len] == '\0', "its text is a C string in place");
	is_int(got.round, 2, "its round");
	is_int(got.action, 3, "its action");
	evstore_get(&st, 4, &got, &sc);
	is_int(got.visits, 4000000000u, "visits near 2^32");
	evstore_get(&st, 12, &got, &sc);
	ok(isnan(event_value(&got, "c_prm")) && event_value(&got, "c_orm") == 0.875, "a verdict's values by name");
	evstore_get(&st, k, &got, &sc);
	ok(got.text_len == big && !memcmp(got.text, text, big), "a record bigger than a chunk comes back whole");
	const char *before = got.text;
	int all = 1;
	for (size_t i = 0; i < 50000; i++) {
		evstore_get(&st, k + 1 + i, &got, &sc);
		all &= got.id == (int32_t)i && got.prm == (double)i / 50000 && got.seq == k + 2 + i;
	}
	ok(all, "50,000 events across chunks come back in order");
	evstore_get(&st, k, &got, &sc);
	ok(got.text == before, "a stored text stays where it is");
	ok(st.bytes < (size_t)50000 * 40 + big + 4096, "scores pack small (%zu bytes in all)", st.bytes);
	free(text);
	sb_free(&a);
	sb_free(&b);
	event_scratch_free(&sc);
	evstore_free(&st);
	return tap_done();
}
