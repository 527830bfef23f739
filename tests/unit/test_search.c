/* search + strategies: the rules of sc and beam, commands, budget and
 * determinism, on the sim and on a scripted backend whose scores are set
 * by hand. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_sim.h"
#include "fake.h"
#include "search.h"
#include "tap.h"
#include "util.h"

/* ---- a scripted backend: step i of a prefix is "<parent text>.<i>";
 * the PRM score of a text is looked up in a table (0.5 otherwise) ---- */
struct script {
	const char *text;
	double score;
};
static const struct script *script_scores;
static int script_answer_depth = 3; /* steps at this depth state an answer */
static const char *const *script_finish; /* and these texts wherever they are */

static int finishes(const char *text)
{
	for (const char *const *f = script_finish; f && *f; f++)
		if (!strcmp(*f, text))
			return 1;
	return 0;
}

static char *fake_gen(const struct request *r, unsigned i)
{
	const char *parent = r->nsteps ? r->steps[r->nsteps - 1] : "s";
	size_t plen = strcspn(parent, " ");
	char buf[128];
	int n = snprintf(buf, sizeof buf, "%.*s.%u", (int)plen, parent, i);
	if ((int)r->nsteps + 1 >= script_answer_depth || finishes(buf))
		snprintf(buf + n, sizeof buf - (size_t)n, " The answer is %u.", i % 3);
	return strdup(buf);
}

static double fake_prm(const struct request *r, size_t i)
{
	for (const struct script *s = script_scores; s && s->text; s++) {
		size_t l = strlen(s->text);
		if (!strncmp(r->steps[i], s->text, l) && (r->steps[i][l] == '\0' || r->steps[i][l] == ' '))
			return s->score;
	}
	return 0.5;
}

static struct backend *fake_new(void)
{
	struct fake_script fs = {fake_gen, fake_prm, NULL};
	return fake_backend_new(&fs);
}

/* ---- collecting events ---- */
struct log {
	struct strbuf text; /* every event, t left out */
	int32_t keep[64];
	size_t nkeep;
	int prunes_by_search, cmds_by_user, sets;
	char vote_chosen[64];
	size_t vote_clusters;
	unsigned top_count;
};

static void listen(void *ctx, const struct search *s, const struct event *ev)
{
	(void)s;
	struct log *l = ctx;
	struct event e = *ev;
	e.t = 0;
	event_format(&l->text, &e);
	if (ev->type == EV_KEEP && l->nkeep == 0)
		for (size_t i = 0; i < ev->nids && i < 64; i++)
			l->keep[l->nkeep++] = ev->ids[i];
	if (ev->type == EV_PRUNE && !ev->by_user)
		l->prunes_by_search++;
	if (ev->type == EV_CMD && ev->by_user)
		l->cmds_by_user++;
	if (ev->type == EV_SET)
		l->sets++;
	if (ev->type == EV_VOTE) {
		snprintf(l->vote_chosen, sizeof l->vote_chosen, "%s", ev->answer ? ev->answer : "");
		l->vote_clusters = ev->nclusters;
		l->top_count = ev->nclusters ? ev->clusters[0].count : 0;
	}
}

static struct search *make(const struct strategy_ops *st, struct backend *b, const char *problem,
			   uint64_t seed, struct log *l)
{
	struct search_config cfg = {0};
	cfg.strategy = st;
	cfg.problem = problem;
	cfg.seed = seed;
	cfg.backend = b;
	char err[256];
	struct search *s = search_new(&cfg, err, sizeof err);
	sb_free(&l->text);
	memset(l, 0, sizeof *l);
	sb_init(&l->text);
	search_set_listener(s, listen, l);
	return s;
}

static char *run_text(const struct strategy_ops *st, uint64_t seed)
{
	struct sim_cfg c;
	sim_cfg_default(&c);
	struct backend *b = backend_sim_new(&c, NULL);
	struct sim_problem p;
	sim_problem_generate(seed, 7, &p);
	struct log l = {0};
	struct search *s = make(st, b, p.text, seed, &l);
	search_run(s);
	search_free(s);
	backend_free(b);
	return l.text.s;
}

/* ---- a backend that counts what it is asked, then lets the sim answer;
 * to check which role's server each request goes to ---- */
struct counting {
	struct backend base;
	struct backend *inner;
	unsigned asked[REQ_KIND_COUNT];
	unsigned total;
};

static int count_submit(struct backend *b, struct request *r)
{
	struct counting *c = (struct counting *)b;
	c->asked[r->kind]++;
	c->total++;
	int rc = c->inner->ops->submit(c->inner, r);
	b->inflight = c->inner->inflight;
	return rc;
}

static int count_poll(struct backend *b, double timeout)
{
	struct counting *c = (struct counting *)b;
	int n = c->inner->ops->poll(c->inner, timeout);
	b->inflight = c->inner->inflight;
	return n;
}

static void count_cancel(struct backend *b, struct request *r)
{
	struct counting *c = (struct counting *)b;
	c->inner->ops->cancel(c->inner, r);
	b->inflight = c->inner->inflight;
}

static void count_destroy(struct backend *b)
{
	struct counting *c = (struct counting *)b;
	backend_free(c->inner);
	free(c);
}

static const struct backend_ops count_ops = {"counting", count_submit, count_poll, count_cancel, count_destroy};

static struct counting *counting_new(void)
{
	struct counting *c = calloc(1, sizeof *c);
	struct sim_cfg sc;
	sim_cfg_default(&sc);
	c->inner = backend_sim_new(&sc, NULL);
	c->base = *c->inner;
	c->base.ops = &count_ops;
	c->base.priv = NULL;
	return c;
}

/* Runs a strategy with one counting backend a role (NULL roles left out). */
static void run_roles(const struct strategy_ops *st, struct counting *actor, struct counting *prm,
		      struct counting *orm, struct counting *critic, struct counting *disc, int no_prm, int no_orm)
{
	struct sim_problem p;
	sim_problem_generate(3, 5, &p);
	struct search_config cfg = {0};
	cfg.strategy = st;
	cfg.problem = p.text;
	cfg.seed = 3;
	cfg.backend = &actor->base;
	cfg.scorer = prm ? &prm->base : NULL;
	cfg.orm = orm ? &orm->base : NULL;
	cfg.critic = critic ? &critic->base : NULL;
	cfg.disc = disc ? &disc->base : NULL;
	cfg.no_scores = no_prm;
	cfg.no_orm = no_orm;
	char err[256];
	struct search *s = search_new(&cfg, err, sizeof err);
	search_run(s);
	search_free(s);
}

static void test_roles(void)
{
	struct counting *a = counting_new(), *p = counting_new(), *o = counting_new(), *c = counting_new(),
			*d = counting_new();
	run_roles(&strategy_critique, a, p, NULL, c, NULL, 0, 0);
	ok(c->asked[REQ_CRITIQUE] > 0 && c->total == c->asked[REQ_CRITIQUE],
	   "critique: the critic gets the critiques and nothing else (%u of %u)", c->asked[REQ_CRITIQUE], c->total);
	ok(a->asked[REQ_CRITIQUE] == 0 && a->asked[REQ_REFINE] > 0 && a->asked[REQ_SOLUTION] > 0,
	   "the actor writes the solutions and refinements, no critiques");
	memset(a->asked, 0, sizeof a->asked);
	c->total = 0;
	run_roles(&strategy_selfrefine, a, p, NULL, c, NULL, 0, 0);
	ok(c->total == 0 && a->asked[REQ_CRITIQUE] > 0, "self-refine: the actor critiques itself, whoever the critic is");
	memset(a->asked, 0, sizeof a->asked);
	run_roles(&strategy_rstar, a, p, NULL, NULL, d, 0, 0);
	ok(d->total > 0 && d->total == d->asked[REQ_SOLUTION], "rstar: the discriminator completes trajectories (%u)",
	   d->total);
	ok(a->asked[REQ_SOLUTION] + a->asked[REQ_STEP] > 0, "and the actor still does the rollouts");
	p->total = o->total = 0;
	memset(p->asked, 0, sizeof p->asked);
	run_roles(&strategy_bon, a, p, NULL, NULL, NULL, 0, 0);
	ok(p->asked[REQ_ORM] > 0, "bon without an ORM of its own: outcome scores from the PRM's scorer");
	memset(p->asked, 0, sizeof p->asked);
	run_roles(&strategy_bon, a, p, o, NULL, NULL, 0, 0);
	ok(o->asked[REQ_ORM] > 0 && p->asked[REQ_ORM] == 0, "with an ORM: from it alone");
	o->total = p->total = 0;
	run_roles(&strategy_bon, a, p, NULL, NULL, NULL, 1, 0);
	ok(p->total == 0, "--prm none with no ORM of its own: no scores asked at all");
	run_roles(&strategy_bon, a, p, o, NULL, NULL, 1, 0);
	ok(o->total > 0 && p->total == 0, "--prm none with an ORM: outcome scores still asked");
	o->total = 0;
	run_roles(&strategy_bon, a, p, o, NULL, NULL, 0, 1);
	ok(o->total == 0, "--orm none: none asked");
	backend_free(&a->base);
	backend_free(&p->base);
	backend_free(&o->base);
	backend_free(&c->base);
	backend_free(&d->base);
}

int main(void)
{
	test_roles();
	struct log l = {0};
	char err[256];

	/* ---- beam survivors for given PRM scores ----
	 * N=8, M=4: keep N/M = 2 of the 8 first steps.  Scores by hand:
	 * s.0 .10, s.1 .90, s.2 .50, s.3 .70, s.4 .30, s.5 .95, s.6 .20, s.7 .60
	 * so the survivors are s.5 (.95) and s.1 (.90), best first; the other
	 * six are pruned by the search.  Level 2 samples M=4 from each. */
	static const struct script level1[] = {
		{"s.0", .10}, {"s.1", .90}, {"s.2", .50}, {"s.3", .70},
		{"s.4", .30}, {"s.5", .95}, {"s.6", .20}, {"s.7", .60},
		{"s.5.2", .99}, {"s.1.0", .40}, {NULL, 0}};
	script_scores = level1;
	script_answer_depth = 2;
	struct backend *fb = fake_new();
	struct search_config cfg = {0};
	cfg.strategy = &strategy_beam;
	cfg.problem = "scripted";
	cfg.backend = fb;
	cfg.params.v[P_N] = 8;
	cfg.params.set[P_N] = 1;
	cfg.params.v[P_FINAL] = 0; /* --final best (ours) */
	cfg.params.set[P_FINAL] = 1;
	struct search *s = search_new(&cfg, err, sizeof err);
	sb_free(&l.text);
	memset(&l, 0, sizeof l);
	search_set_listener(s, listen, &l);
	ok(search_step(s), "level 1 leaves more to do");
	is_int(l.nkeep, 2, "two beams survive level 1");
	struct tree *t = search_tree(s);
	ok(l.nkeep == 2 && !strcmp(tree_node(t, l.keep[0])->text, "s.5") && !strcmp(tree_node(t, l.keep[1])->text, "s.1"),
	   "they are s.5 (0.95) then s.1 (0.90)");
	is_int(l.prunes_by_search, 6, "the six others are pruned by the search");
	search_run(s);
	/* level 2: 8 candidates, all finished (they state answers); best is
	 * s.5.2 at 0.99 with answer 2 */
	is_str(search_final_answer(s), "2", "--final best: the best finished candidate answers");
	is_str(tree_node(t, search_final_node(s))->text, "s.5.2 The answer is 2.", "and it is s.5.2 (PRM 0.99)");
	ok(tree_node(t, search_final_node(s))->flags & NF_FINAL, "its path is marked final");
	search_free(s);

	/* the default, search-and-learn's: a vote over the finished
	 * candidates weighted by their last-step PRM scores. 
	 * Level 2 children are s.5.0-3 and s.1.0-3; answers are offset%3:
	 * s.5.0->0 .5, s.5.1->1 .5, s.5.2->2 .99, s.5.3->0 .5,
	 * s.1.0->0 .4, s.1.1->1 .5, s.1.2->2 .5, s.1.3->0 .5
	 * weights: "0" = .5+.5+.4+.5 = 1.9, "1" = 1.0, "2" = 1.49 -> "0" wins. */
	cfg.params.set[P_FINAL] = 0; /* the default */
	s = search_new(&cfg, err, sizeof err);
	sb_free(&l.text);
	memset(&l, 0, sizeof l);
	search_set_listener(s, listen, &l);
	search_run(s);
	is_str(search_final_answer(s), "0", "the weighted vote picks 0 (weight 1.9 over 1.49 and 1.0)");
	is_int(l.vote_clusters, 3, "three answer clusters");
	search_free(s);

	/* search-and-learn's beam: N candidates every level, until none is
	 * left to extend.  N=2, M=1 (keep 2).  Level 1: s.0 (.9) goes on, s.1
	 * states an answer.  Level 2 samples N=2 from s.0 alone (the old rule
	 * sampled M=1): s.0.0 answers, s.0.1 goes on, and although N=2 have
	 * now finished the search goes on to level 3. */
	static const struct script refill[] = {{"s.0", .9}, {"s.1", .8}, {"s.0.1", .7}, {NULL, 0}};
	static const char *const refill_finish[] = {"s.1", "s.0.0", NULL};
	script_scores = refill;
	script_finish = refill_finish;
	script_answer_depth = 3;
	cfg.params.v[P_N] = 2;
	cfg.params.v[P_WIDTH] = 1;
	cfg.params.set[P_WIDTH] = 1;
	cfg.params.set[P_FINAL] = 0;
	s = search_new(&cfg, err, sizeof err);
	search_run(s);
	t = search_tree(s);
	size_t under_s0 = 0, depth3 = 0;
	for (size_t i = 1; i < tree_count(t); i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		under_s0 += nd->depth == 2 && !strncmp(tree_node(t, nd->parent)->text, "s.0", 3);
		depth3 += nd->depth == 3;
	}
	is_int(under_s0, 2, "the one prefix left draws N=2 next steps, not M=1");
	is_int(depth3, 2, "and the search goes on after N candidates finished, to level 3");
	/* the vote: the first N=2 finished (s.1 -> 1, s.0.0 -> 0, one each,
	 * weights .8 and .5): 1 wins */
	is_str(search_final_answer(s), "1", "the vote is over the first N finished, weighted by PRM: 1 (.8 over .5)");
	search_free(s);
	/* one finished with an answer, the rest at the depth limit */
	static const char *const one_finish[] = {"s.0", NULL};
	script_finish = one_finish;
	script_answer_depth = 99;
	cfg.params.v[P_N] = 4;
	cfg.params.v[P_WIDTH] = 1;
	cfg.params.v[P_DEPTH] = 2;
	cfg.params.set[P_DEPTH] = 1;
	s = search_new(&cfg, err, sizeof err);
	sb_free(&l.text);
	memset(&l, 0, sizeof l);
	search_set_listener(s, listen, &l);
	search_run(s);
	/* the others ran out of depth without an answer: as sal's completed
	 * beams, they take their places among the first N and vote for none */
	ok(l.vote_clusters == 1 && l.top_count == 1,
	   "one finished answer among N=4 finished, the rest out of depth (%zu clusters, %u votes)", l.vote_clusters,
	   l.top_count);
	ok(strstr(l.text.s, "over 4 finished candidates (3 of them without an answer, voting for none)") != NULL,
	   "and the reason says so");
	search_free(s);
	/* DVTS as search-and-learn: N=4, M=2, two subtrees.  Subtree 0 draws
	 * s.0 (.9, states an answer) and s.1 (.6): its best is finished, so it
	 * stops, and both are its output.  Subtree 1 draws s.2 (.8) and s.3
	 * (.3): it goes on from s.2, s.3 pruned. */
	static const struct script dv[] = {{"s.0", .9}, {"s.1", .6}, {"s.2", .8}, {"s.3", .3}, {NULL, 0}};
	script_scores = dv;
	script_finish = one_finish;
	cfg.strategy = &strategy_dvts;
	cfg.params.v[P_N] = 4;
	cfg.params.v[P_WIDTH] = 2;
	cfg.params.set[P_WIDTH] = 1;
	cfg.params.v[P_DEPTH] = 3;
	s = search_new(&cfg, err, sizeof err);
	search_run(s);
	t = search_tree(s);
	int32_t id0 = NODE_NONE, id1 = NODE_NONE, id2 = NODE_NONE, id3 = NODE_NONE;
	size_t under0 = 0, under2 = 0;
	for (size_t i = 1; i < tree_count(t); i++) {
		const struct node *nd = tree_node(t, (int32_t)i);
		const char *tx = nd->text;
		if (nd->depth == 1)
			*(!strncmp(tx, "s.0", 3) ? &id0 : !strncmp(tx, "s.1", 3) ? &id1 : !strncmp(tx, "s.2", 3) ? &id2 : &id3) =
				(int32_t)i;
		if (nd->depth == 2) {
			under0 += nd->parent == id0 || nd->parent == id1;
			under2 += nd->parent == id2;
		}
	}
	ok(under0 == 0 && under2 == 2, "a subtree whose best child finished stops; the other goes on (%zu, %zu)", under0,
	   under2);
	ok(!(tree_node(t, id1)->flags & NF_PRUNED) && (tree_node(t, id3)->flags & NF_PRUNED),
	   "the stopped subtree's other child is its output, not pruned; the going one's is pruned");
	is_str(search_final_answer(s), "0", "the vote is over the subtrees' outputs: s.0's 0");
	search_free(s);
	cfg.strategy = &strategy_beam;
	script_finish = NULL;
	cfg.params.set[P_DEPTH] = 0;
	cfg.params.v[P_WIDTH] = 4;
	cfg.params.set[P_WIDTH] = 0;
	cfg.params.v[P_N] = 8;

	/* REBASE's ties: rebase.py sorts ascending, stably, then reverses, so
	 * of two equal scores the later node is allotted first.  W=3: the
	 * root gets 3 children, s.0 (.5), s.1 (.5), s.2 (.1); sorted s.1, s.0,
	 * s.2: n(s.1) = ceil(3 * 12.18 / 26.01) = 2, then n(s.0) =
	 * ceil(1 * 12.18 / 13.83) = 1, n(s.2) = 0 */
	static const struct script ties[] = {{"s.0", .5}, {"s.1", .5}, {"s.2", .1}, {NULL, 0}};
	script_scores = ties;
	script_answer_depth = 99;
	struct search_config rc = {0};
	rc.strategy = &strategy_rebase;
	rc.problem = "scripted";
	rc.backend = fb;
	rc.params.v[P_WIDTH] = 3;
	rc.params.set[P_WIDTH] = 1;
	rc.params.v[P_DEPTH] = 2;
	rc.params.set[P_DEPTH] = 1;
	s = search_new(&rc, err, sizeof err);
	sb_free(&l.text);
	memset(&l, 0, sizeof l);
	search_set_listener(s, listen, &l);
	search_run(s);
	ok(strstr(l.text.s, "\"ev\":\"alloc\",\"id\":2,\"n\":2") && strstr(l.text.s, "\"ev\":\"alloc\",\"id\":1,\"n\":1") &&
		   strstr(l.text.s, "\"ev\":\"alloc\",\"id\":3,\"n\":0"),
	   "REBASE: of two equal scores the later node (#2) is allotted first (2, then #1 1, #3 0)");
	search_free(s);

	/* user commands on the beam: set width, expand, prune */
	cfg.params.set[P_FINAL] = 0;
	script_answer_depth = 4;
	s = search_new(&cfg, err, sizeof err);
	sb_free(&l.text);
	memset(&l, 0, sizeof l);
	search_set_listener(s, listen, &l);
	search_step(s);
	struct command cmd = {CMD_SET, 0, 0, P_WIDTH, 2, 1};
	ok(!search_command(s, &cmd, err, sizeof err), "set width 2");
	size_t before = tree_count(t = search_tree(s));
	int32_t target = l.keep[0];
	cmd = (struct command){CMD_EXPAND, target, 3, 0, 0, 1};
	ok(!search_command(s, &cmd, err, sizeof err), "expand a kept node by 3");
	is_int(tree_count(t), before + 3, "three new children");
	is_int(tree_node(t, target)->nchildren, 3, "under that node");
	ok(!isnan(tree_node(t, (int32_t)before)->prm), "and they are scored");
	cmd = (struct command){CMD_PRUNE, l.keep[1], 0, 0, 0, 1};
	ok(!search_command(s, &cmd, err, sizeof err), "prune the other beam");
	cmd = (struct command){CMD_PRUNE, l.keep[1], 0, 0, 0, 1};
	ok(search_command(s, &cmd, err, sizeof err) == -1 && strstr(err, "already pruned"), "not twice");
	cmd = (struct command){CMD_PRUNE, 0, 0, 0, 0, 1};
	ok(search_command(s, &cmd, err, sizeof err) == -1 && strstr(err, "it is the problem"), "not the problem");
	is_int(l.cmds_by_user, 1, "the expand is a cmd event by the user");
	is_int(l.sets, 1, "the set is a set event");
	ok(strstr(l.text.s, "\"ev\":\"prune\",\"id\":") && strstr(l.text.s, "\"by\":\"user\""), "the prune is journaled as the user's");
	search_step(s);
	/* the next level extends the kept beam (minus the pruned one) and
	 * the three user children, width 2 each */
	size_t pruned_kids = tree_node(t, l.keep[1])->nchildren;
	is_int(pruned_kids, 0, "the pruned beam is not extended");
	search_free(s);
	backend_free(fb);

	/* ---- sc on the sim ---- */
	struct sim_cfg sc;
	sim_cfg_default(&sc);
	struct backend *b = backend_sim_new(&sc, NULL);
	s = make(&strategy_sc, b, "What is (17+25)*3-8?", 4, &l);
	struct command wc = {CMD_SET, 0, 0, P_WIDTH, 2, 1};
	ok(search_command(s, &wc, err, sizeof err) == -1 && !strncmp(err, "sc does not use width (it applies to beam, dvts, rebase", 53),
	   "a parameter the strategy does not read is refused, naming those that do: %s", err);
	ok(search_run(s) == 0, "sc runs");
	is_int(tree_node(search_tree(s), 0)->nchildren, 8, "eight samples by default");
	ok(l.top_count >= 1 && l.vote_chosen[0], "a vote is cast");
	is_str(search_final_answer(s), l.vote_chosen, "the final answer is the vote's");
	ok(search_usage(s)->requests == 8 && search_usage(s)->gen_tokens > 0, "usage counts requests and tokens");
	search_free(s);

	/* pruning a sample takes it out of the vote */
	s = make(&strategy_sc, b, "What is (17+25)*3-8?", 4, &l);
	search_step(s);
	t = search_tree(s);
	int32_t first = tree_node(t, 0)->first_child;
	cmd = (struct command){CMD_PRUNE, first, 0, 0, 0, 1};
	search_command(s, &cmd, err, sizeof err);
	search_run(s);
	unsigned total = 0;
	char *p = l.text.s;
	while ((p = strstr(p, "\"count\":"))) {
		total += (unsigned)atoi(p + 8);
		p += 8;
	}
	is_int(total, 7, "seven votes after pruning one of eight");
	search_free(s);

	/* vote rules: the largest cluster; ties to the first to appear */
	struct tree *vt = tree_new();
	tree_add(vt, NODE_NONE, NODE_PROBLEM, "p", 1);
	const char *answers[] = {"3", "5", "5.0", "3", "7"};
	int32_t ids[5];
	for (int i = 0; i < 5; i++) {
		ids[i] = tree_add(vt, 0, NODE_STEP, "x", 1);
		tree_set_answer(vt, ids[i], answers[i]);
	}
	struct vote_cluster *vc;
	size_t nc = vote_clusters(vt, ids, NULL, 5, &vc);
	is_int(nc, 3, "5 and 5.0 are one cluster");
	is_str(vc[vote_winner(vc, nc, 0)].answer, "3", "a 2-2 tie goes to the answer seen first");
	double w[] = {0.1, 0.5, 0.4, 0.1, 0.3};
	vote_free(vc, nc);
	nc = vote_clusters(vt, ids, w, 5, &vc);
	is_str(vc[vote_winner(vc, nc, 1)].answer, "5", "by weight 5 wins (0.9 against 0.2 and 0.3)");
	vote_free(vc, nc);
	tree_free(vt);

	/* ---- budget ---- */
	struct search_config bc = {0};
	bc.strategy = &strategy_beam;
	struct sim_problem sp;
	sim_problem_generate(11, 9, &sp);
	bc.problem = sp.text;
	bc.seed = 11;
	bc.backend = b;
	s = search_new(&bc, err, sizeof err);
	search_run(s);
	uint64_t full = search_usage(s)->gen_tokens;
	search_free(s);
	bc.budget_tokens = full / 3;
	s = search_new(&bc, err, sizeof err);
	search_run(s);
	uint64_t used = search_usage(s)->gen_tokens;
	ok(used < full && used >= full / 3, "a token budget stops the search (%llu of %llu, budget %llu)",
	   (unsigned long long)used, (unsigned long long)full, (unsigned long long)full / 3);
	ok(search_state(s) == SEARCH_DONE, "and it still ends with a final event");
	search_free(s);
	bc.budget_tokens = 0;
	bc.budget_requests = 5;
	s = search_new(&bc, err, sizeof err);
	search_run(s);
	is_int(search_usage(s)->requests, 5, "a request budget is exact");
	search_free(s);
	/* sc sends its 64 samples at once; under a budget of about one
	 * sample's tokens only what the budget can pay for goes (it spent
	 * 2421 tokens when all 64 went) */
	bc.strategy = &strategy_sc;
	bc.budget_requests = 0;
	bc.params.v[P_N] = 64;
	bc.params.set[P_N] = 1;
	bc.budget_tokens = 1;
	s = search_new(&bc, err, sizeof err);
	search_run(s);
	uint64_t one = search_usage(s)->gen_tokens; /* what the first sample alone costs */
	search_free(s);
	bc.budget_tokens = 2 * one;
	s = search_new(&bc, err, sizeof err);
	search_run(s);
	used = search_usage(s)->gen_tokens;
	ok(used >= 2 * one && used <= 2 * one + 2 * one + 40,
	   "sc n=64 under a budget of two samples stops within about one more (%llu tokens, a sample %llu)",
	   (unsigned long long)used, (unsigned long long)one);
	ok(search_usage(s)->requests < 8, "having sent only what the budget allowed (%llu requests)",
	   (unsigned long long)search_usage(s)->requests);
	search_free(s);
	backend_free(b);
	sb_free(&l.text);

	/* ---- determinism: same options and seed, same events ---- */
	char *a1 = run_text(&strategy_beam, 21), *a2 = run_text(&strategy_beam, 21);
	char *a3 = run_text(&strategy_beam, 22);
	ok(a1 && a2 && !strcmp(a1, a2), "a seeded beam search repeats itself exactly");
	ok(strcmp(a1, a3), "another seed searches differently");
	free(a1);
	free(a2);
	free(a3);
	a1 = run_text(&strategy_sc, 5);
	a2 = run_text(&strategy_sc, 5);
	ok(!strcmp(a1, a2), "a seeded self-consistency run repeats itself exactly");
	free(a1);
	free(a2);
	return tap_done();
}
