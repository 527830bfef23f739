/* import_openr: OpenR's port of rStar (reason/guided_search/rstar.py).
 * With show_tree_expansion on (its default), RstarSearchTree prints the
 * tree after every rollout to standard output, which users keep as a log:
 *
 *   ---------Expanded Tree---------
 *   |U-0
 *   |----TS-1
 *   |--------DA-4
 *
 * a node a line, "|" then four dashes a level, its type and id (types as
 * rStar's: U question, RU rephrased, DA direct answer, SQ sub-question, RS
 * re-answer, TS one-step thought).  The dump holds no texts, values or
 * answers (draw_tree prints str(node), which is its type and id); its
 * solutions are in the search's traj_list, not in the log.  In canopy: a
 * unit a dump, each node as it first appears, by type, named so. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* "|--------DA-4": depth 2, type DA, id 4; 0 when the line is no node. */
static int parse_line(const char *s, int *depth, int *type, long *id)
{
	if (s[0] != '|')
		return 0;
	size_t d = strspn(s + 1, "-");
	if (d % 4)
		return -1;
	const char *end;
	*type = import_rstar_name(s + 1 + d, id, &end);
	if (*type < 0)
		return -1;
	end += strspn(end, " \r");
	if (*end)
		return -1;
	*depth = (int)(d / 4);
	return 1;
}

static int convert(struct imp *im, const struct import_opts *o)
{
	FILE *f = fopen(o->path, "r");
	imp_where(im, o->path, 0, -1);
	if (!f)
		return imp_fail(im, "%s", strerror(errno));
	struct imp_ids canopy = {0}; /* OpenR's ids to ours */
	int32_t stack[256];
	int top = -1, begun = 0, dumps = 0, in_dump = 0, shared = 0;
	long nodes = 0;
	char *line = NULL;
	size_t lcap = 0, lineno = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) >= 0 && !imp_failed(im)) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strstr(line, "---------Expanded Tree---------")) {
			in_dump = 1;
			top = -1;
			continue;
		}
		int depth, type;
		long id;
		int r = parse_line(line, &depth, &type, &id);
		if (r == 0) {
			in_dump = 0; /* anything else the log holds ends a dump */
			continue;
		}
		imp_where(im, o->path, lineno, -1);
		if (r < 0) {
			imp_fail(im, "a tree line canopy cannot read (expected \"|\", four dashes a level, then TYPE-ID)");
			break;
		}
		if (!in_dump) {
			imp_fail(im, "a tree line outside a dump (no \"---------Expanded Tree---------\" above it)");
			break;
		}
		if (top < 0) {
			/* a dump begins with the question */
			if (depth || import_rstar_types[type].kind != NODE_PROBLEM) {
				imp_fail(im, "a dump must begin with the question (U-0) at depth 0");
				break;
			}
			if (!begun) {
				cJSON *st = cJSON_CreateObject();
				cJSON_AddStringToObject(st, "name", "openr rstar");
				imp_begin(im, o->problem ? o->problem
						: "(OpenR's tree dump does not record the problem: give --problem)",
					  NULL, st, NULL);
				imp_auto_answer(im, 0); /* the dump states none */
				begun = 1;
			}
			imp_unit(im, "rollout");
			dumps++;
			stack[++top] = 0;
			continue;
		}
		if (depth < 1 || depth > top + 1 || depth >= (int)(sizeof stack / sizeof *stack)) {
			imp_fail(im, "node %s-%ld is %d levels deep under a node %d deep", import_rstar_types[type].tag, id, depth, top);
			break;
		}
		top = depth - 1;
		int32_t parent = stack[top];
		int32_t nid = imp_ids_get(&canopy, id);
		if (nid == NODE_NONE) {
			char text[160];
			snprintf(text, sizeof text, "%s-%ld: %s (OpenR's dump names a node by its type and id only)",
				 import_rstar_types[type].tag, id, import_rstar_types[type].what);
			nid = imp_node(im, parent, import_rstar_types[type].kind, text, strlen(text), 0, import_rstar_types[type].action, -1);
			if (nid == NODE_NONE)
				break;
			imp_ids_set(&canopy, id, nid);
			nodes++;
		} else if (tree_node(imp_tree(im), nid)->parent != parent && !shared++) {
			/* OpenR's draw_tree prints node.children, not the search's
			 * parent2children, and lists some nodes again under a
			 * second parent (under a rephrased question): one node,
			 * kept where it first appeared */
			imp_warn(im, "%s:%zu: node %s-%ld is listed again under another parent (OpenR's draw_tree prints "
				     "node.children, not the search's parent2children); kept under its first",
				 o->path, lineno, import_rstar_types[type].tag, id);
		}
		stack[++top] = nid;
	}
	free(line);
	fclose(f);
	imp_ids_free(&canopy);
	if (!imp_failed(im) && !begun)
		imp_fail(im, "no \"---------Expanded Tree---------\" dump in it (is this OpenR's output with "
			     "show_tree_expansion?)");
	if (!imp_failed(im)) {
		char reason[200];
		snprintf(reason, sizeof reason,
			 "none: OpenR's %d tree dump%s record no texts, values or answers (its solutions are in the "
			 "search's traj_list)",
			 dumps, dumps == 1 ? "" : "s");
		imp_final(im, NULL, NODE_NONE, reason);
	}
	return imp_failed(im) ? -1 : 0;
}

const struct import_format import_openr = {
	.name = "openr",
	.what = "OpenR's rStar tree dumps (its log of draw_tree: \"|----TS-1\" lines; --problem)",
	.file = convert,
};
