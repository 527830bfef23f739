/* tree: the search tree as an arena of nodes.  Ids are indexes; nodes live
 * in fixed-size pages and their text in large chunks, so a tree of millions
 * of nodes costs two allocations per page and never moves a node. */
#ifndef CANOPY_TREE_H
#define CANOPY_TREE_H

#include <stddef.h>
#include <stdint.h>

#define NODE_NONE (-1)

/* X-macro: the kinds of node, as named in the trace. */
#define NODE_KINDS(X)                 \
	X(PROBLEM, "problem")         \
	X(STEP, "step")               \
	X(SOLUTION, "solution")       \
	X(CRITIQUE, "critique")       \
	X(REFINEMENT, "refinement")   \
	X(REVIEW, "review")           \
	X(REPHRASE, "rephrase")       \
	X(SUBQUESTION, "subquestion") \
	X(REANSWER, "reanswer")       \
	X(ANSWER, "answer")

enum node_kind {
#define X(id, name) NODE_##id,
	NODE_KINDS(X)
#undef X
	NODE_KIND_COUNT
};

enum node_flag {
	NF_PRUNED = 1u << 0,   /* left the search (by the user or the search) */
	NF_TERMINAL = 1u << 1, /* states a final answer */
	NF_FINAL = 1u << 2,    /* on the path to the chosen answer */
	NF_KEPT = 1u << 3,     /* survived selection (beam level, filter) */
	NF_BY_USER = 1u << 4,  /* pruned by the user (with NF_PRUNED), not the search */
};

struct node {
	int32_t parent, first_child, last_child, next_sibling;
	uint32_t nchildren;
	uint32_t text_len;
	const char *text;   /* owned by the tree's text arena */
	const char *answer; /* extracted final answer, or NULL */
	float prm, orm;     /* NAN until scored */
	float prior;        /* PUCT's prior among its siblings, or NAN */
	float uct;          /* UCT value at the last selection, or NAN */
	float q;            /* a mean value reported without visit counts (imports), or NAN */
	uint32_t visits;
	double value;
	uint32_t tokens; /* generated tokens of this node's text */
	uint32_t depth;
	uint16_t flags;
	uint8_t kind;
	uint8_t action; /* rStar action 1..5, 0 when none */
	int16_t round;  /* critique/refine round, -1 when none */
};

struct tree;

struct tree *tree_new(void);
void tree_free(struct tree *t);

size_t tree_count(const struct tree *t);
/* NULL when id is not a node of this tree.  A tree with snapshots (a
 * replay's) is written only through tree_node_mut and the functions here;
 * others may write through tree_node too. */
struct node *tree_node(const struct tree *t, int32_t id);
/* The node, to write: its page is copied first if a snapshot shares it. */
struct node *tree_node_mut(struct tree *t, int32_t id);
/* Adds a node; the root (parent NODE_NONE) must be the first.  Returns the
 * new id, or NODE_NONE when the parent does not exist. */
int32_t tree_add(struct tree *t, int32_t parent, enum node_kind kind,
		 const char *text, size_t len);
/* Copies a string into the tree's arena. */
const char *tree_strdup(struct tree *t, const char *s, size_t len);
void tree_set_answer(struct tree *t, int32_t id, const char *answer);
/* Marks the subtree of id pruned; returns the number of nodes marked.
 * When marked is not NULL, the ids newly marked are appended to it
 * (*n of them, *cap its capacity), so a replay can undo the prune. */
size_t tree_prune(struct tree *t, int32_t id);
size_t tree_prune_collect(struct tree *t, int32_t id, int32_t **marked, size_t *n, size_t *cap);
/* The same, saying who pruned: by_user marks NF_BY_USER too. */
size_t tree_prune_by(struct tree *t, int32_t id, int by_user, int32_t **marked, size_t *n, size_t *cap);
/* Removes the newest node (a replay stepping back over its creation). */
void tree_pop(struct tree *t);
/* The same in constant time, told the parent's last child before it came
 * (NODE_NONE: it was the first) and the tree's depth then. */
void tree_pop_to(struct tree *t, int32_t prev_last, int prev_max_depth);
/* The newest node on the final path, or NODE_NONE. */
int32_t tree_final_leaf(const struct tree *t);
/* Moves the final-path marks to the path from the root to id. */
void tree_mark_final(struct tree *t, int32_t id);
/* Writes the ids from the root down to id into out (at most max); returns
 * the path length, which may exceed max. */
size_t tree_path(const struct tree *t, int32_t id, int32_t *out, size_t max);
int tree_max_depth(const struct tree *t);
size_t tree_memory(const struct tree *t);

const char *node_kind_name(enum node_kind k);
int node_kind_parse(const char *s, size_t len); /* -1 when unknown */
/* Whether a node of this kind can state the problem's answer: not the
 * problem, and not a critique or review, which quote the solution's. */
int node_kind_states_answer(enum node_kind k);

/* The sibling before id, NODE_NONE for a first child (a walk of the
 * parent's children: siblings are a singly linked list). */
int32_t tree_prev_sibling(const struct tree *t, int32_t id);

/* Whether the node's text is exactly these len bytes. */
int node_text_is(const struct node *n, const char *s, size_t len);
/* The first child of parent whose text is exactly these len bytes, or
 * NODE_NONE (importers join records that repeat a step this way). */
int32_t tree_child_with_text(const struct tree *t, int32_t parent, const char *s, size_t len);

/* llm-reasoners' MCTS output (output_strategy 'max_reward'), for its
 * strategy and for its logs: of the paths from the root through nodes
 * enter admits to a node terminal says ends one, the path whose step
 * rewards (NaN as 0) make the highest sum, or mean when mean is set.
 * Depth first, children in order, the first of equals kept (Python's
 * max over its DFS); reward is asked of every node reached, entered or
 * not.  NODE_NONE when no path ends; else *value and *steps. */
struct tree_path_ops {
	double (*reward)(void *ctx, int32_t id);
	int (*enter)(void *ctx, int32_t id);
	int (*terminal)(void *ctx, int32_t id);
};
int32_t tree_max_reward_path(const struct tree *t, const struct tree_path_ops *ops, void *ctx, int mean,
			     double *value, unsigned *steps);

/* From now on tree_add and tree_set_answer keep the caller's strings
 * (NUL-terminated, alive as long as the tree) instead of copying them:
 * a replay's event store owns them, so passes over a trace copy nothing. */
void tree_borrow_strings(struct tree *t, int on);

/* Snapshots: the whole tree as it is now, in the time a list of page
 * pointers takes.  Pages are shared, not copied, until the tree writes to
 * one (copy on write), so snapshots of a tree that mostly grows cost
 * little.  Restoring one makes the tree what it was then; free every
 * snapshot, with the tree it came from, before the tree. */
struct tree_snap;
struct tree_snap *tree_snap_take(struct tree *t);
void tree_snap_restore(struct tree *t, const struct tree_snap *s);
void tree_snap_free(struct tree *t, struct tree_snap *s);
size_t tree_snap_count(const struct tree_snap *s); /* the nodes it holds */
/* The memory held by snapshots alone: pages the tree has since copied or
 * dropped. */
size_t tree_shared_bytes(const struct tree *t);

#endif
