/* run_show: canopy run's progress on stderr (see run_show.h). */
#include "run_show.h"

#include "cmd_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void bar(FILE *f, double v)
{
	int full = (int)lround(clampd(v, 0, 1) * 10);
	for (int i = 0; i < 10; i++)
		fputs(i < full ? "\xE2\x96\x88" : "\xE2\x96\x91", f);
}

static void flush_pruned(struct printer *p)
{
	if (!p->npruned)
		return;
	fprintf(p->f, "   pruned by the search:");
	for (size_t i = 0; i < p->npruned; i++)
		fprintf(p->f, " #%d", p->pruned[i]);
	if (p->more_pruned)
		fprintf(p->f, " and %zu more", p->more_pruned);
	fputc('\n', p->f);
	p->npruned = p->more_pruned = 0;
}

static void show_event(struct printer *p, const struct search *s, const struct event *ev)
{
	const struct tree *t = search_tree(s);
	FILE *f = p->f;
	if (ev->type == EV_PRUNE && !ev->by_user) {
		if (p->npruned < sizeof p->pruned / sizeof p->pruned[0])
			p->pruned[p->npruned++] = ev->id;
		else
			p->more_pruned++;
		return;
	}
	flush_pruned(p);
	switch (ev->type) {
	case EV_UNIT:
		say(f, "\xE2\x94\x80\xE2\x94\x80 %s %lld \xE2\x94\x80\xE2\x94\x80\n", ev->reason,
			(long long)ev->n);
		break;
	case EV_NODE: {
		if (ev->id == 0) {
			say(f, "problem: %.*s\n", (int)ev->text_len, ev->text);
			break;
		}
		const struct node *n = tree_node(t, ev->id);
		int indent = (int)(n->depth > 12 ? 12 : n->depth);
		/* one line a node: its text's newlines as spaces, the rest
		 * made safe by say() (it is the model's text) */
		char *flat = xstrndup(ev->text, ev->text_len);
		for (char *c = flat; *c; c++)
			if (*c == '\n')
				*c = ' ';
		say(f, "%*s#%d \xE2\x86\x90 #%d  %s\n", indent * 2, "", ev->id, ev->parent, flat);
		free(flat);
		break;
	}
	case EV_SCORE:
		if (!isnan(ev->prm)) {
			fprintf(f, "      #%d PRM %.2f ", ev->id, ev->prm);
			bar(f, ev->prm);
			fputc('\n', f);
		}
		if (!isnan(ev->orm))
			say(f, "      #%d ORM %.2f\n", ev->id, ev->orm);
		if (!isnan(ev->prior))
			say(f, "      #%d prior %.2f\n", ev->id, ev->prior);
		break;
	case EV_KEEP:
		fprintf(f, "   kept:");
		for (size_t i = 0; i < ev->nids; i++)
			fprintf(f, " #%d", ev->ids[i]);
		fputc('\n', f);
		break;
	case EV_PRUNE:
		say(f, "   pruned #%d by the user\n", ev->id);
		break;
	case EV_VOTE:
		sb_reset(&p->line);
		for (size_t i = 0; i < ev->nclusters; i++)
			sb_printf(&p->line, "%s %s \xC3\x97%u (%.2f)", i ? "," : "", ev->clusters[i].answer,
				  ev->clusters[i].count, ev->clusters[i].weight);
		say(f, "   votes:%s\n", p->line.s ? p->line.s : "");
		break;
	case EV_ERROR:
		say(f, "   error: %.*s\n", (int)ev->text_len, ev->text);
		break;
	case EV_ALLOC:
		fprintf(f, "   #%d gets %lld children", ev->id, (long long)ev->n);
		if (!isnan(ev->value))
			fprintf(f, " (r %.2f)", ev->value);
		fputc('\n', f);
		break;
	case EV_SELECT:
		if (isinf(ev->uct))
			say(f, "   select #%d (unvisited)\n", ev->id);
		else if (!isnan(ev->uct))
			say(f, "   select #%d (UCT %.3f)\n", ev->id, ev->uct);
		else
			say(f, "   select #%d (focus)\n", ev->id);
		break;
	case EV_STATS:
		if (isnan(ev->uct))
			say(f, "      #%d N=%u Q=%.2f\n", ev->id, ev->visits, ev->value);
		break;
	case EV_VERDICT:
		sb_reset(&p->line);
		sb_printf(&p->line, "   %s", ev->reason);
		if (ev->id != NODE_NONE)
			sb_printf(&p->line, " #%d", ev->id);
		sb_printf(&p->line, ": %s", ev->label);
		for (size_t i = 0; i < ev->nvals; i++)
			sb_printf(&p->line, "%s%s %.3g", i ? ", " : " (", ev->keys[i], ev->vals[i]);
		say(f, "%s%s\n", p->line.s, ev->nvals ? ")" : "");
		break;
	case EV_CMD:
		say(f, "   %s #%d by the %s\n", ev->text, ev->id, ev->by_user ? "user" : "search");
		break;
	case EV_SET:
		say(f, "   set %s %s by the %s\n", ev->param, ev->reason, ev->by_user ? "user" : "search");
		break;
	case EV_FINAL:
		say(f, "final answer: %s%s (%s)\n", ev->answer ? ev->answer : "none",
			ev->correct == 1 ? ", correct" : ev->correct == 0 ? ", wrong" : "",
			ev->reason ? ev->reason : "");
		break;
	default:
		break;
	}
}

static void status_line(struct printer *p, const struct search *s)
{
	const struct usage *u = search_usage(s);
	fprintf(p->f, "\r\033[Kcanopy: %s \xC2\xB7 %s %llu \xC2\xB7 %zu nodes \xC2\xB7 %llu tokens \xC2\xB7 %llu requests \xC2\xB7 %.1f s",
		search_strategy(s)->name, search_strategy(s)->unit,
		(unsigned long long)search_units(s), tree_count(search_tree(s)),
		(unsigned long long)u->gen_tokens, (unsigned long long)u->requests, search_elapsed(s));
	fflush(p->f);
}

void run_show_on_event(void *ctx, const struct search *s, const struct event *ev)
{
	struct printer *p = ctx;
	if (p->quiet)
		return;
	if (p->show) {
		show_event(p, s, ev);
		return;
	}
	if (p->tty) {
		double now = util_now();
		/* a few redraws a second are plenty, and cheap */
		if (now - p->last_draw > 0.1 || ev->type == EV_FINAL) {
			status_line(p, s);
			p->last_draw = now;
		}
	}
}

