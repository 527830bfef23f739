#include "tree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* 4096 nodes a page: small enough that a replay copying a page it shares
 * with a checkpoint (tree_node_mut) copies little */
#define PAGE_BITS 12
#define PAGE_SIZE (1u << PAGE_BITS)
#define CHUNK_SIZE (1u << 20)

/* A page is shared by the tree and the snapshots taken while it held it;
 * it is written in place only while the tree alone holds it. */
struct page {
	uint32_t refs;
	struct node nodes[PAGE_SIZE];
};

struct tree_snap {
	struct page **pages;
	size_t npages, count;
	int max_depth;
	int32_t final_leaf;
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct tree {
	struct page **pages;
	size_t npages, pages_cap;
	size_t shared_pages; /* pages held by snapshots and not by the tree */
	size_t count;
	int max_depth;
	int32_t final_leaf;
	struct chunk *chunks;
	size_t text_bytes;
	int borrow; /* texts and answers are the caller's, kept alive by it */
};

static const char *const kind_names[] = {
#define X(id, name) name,
	NODE_KINDS(X)
#undef X
};

const char *node_kind_name(enum node_kind k)
{
	return (unsigned)k < NODE_KIND_COUNT ? kind_names[k] : "?";
}

int node_kind_states_answer(enum node_kind k)
{
	return k != NODE_PROBLEM && k != NODE_CRITIQUE && k != NODE_REVIEW;
}

int node_kind_parse(const char *s, size_t len)
{
	for (int i = 0; i < NODE_KIND_COUNT; i++)
		if (len && kind_names[i][0] == s[0] && strlen(kind_names[i]) == len &&
		    !memcmp(kind_names[i], s, len))
			return i;
	return -1;
}

struct tree *tree_new(void)
{
	struct tree *t = xcalloc(1, sizeof *t);
	t->final_leaf = NODE_NONE;
	return t;
}

/* Lets go of one holder's reference. */
static void page_unref(struct tree *t, struct page *p, int by_tree)
{
	if (--p->refs == 0) {
		if (!by_tree)
			t->shared_pages--;
		free(p);
	} else if (by_tree) {
		t->shared_pages++; /* only snapshots hold it now */
	}
}

void tree_free(struct tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->npages; i++)
		page_unref(t, t->pages[i], 1);
	free(t->pages);
	for (struct chunk *c = t->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(t);
}

size_t tree_count(const struct tree *t)
{
	return t->count;
}

struct node *tree_node(const struct tree *t, int32_t id)
{
	if (id < 0 || (size_t)id >= t->count)
		return NULL;
	return &t->pages[(uint32_t)id >> PAGE_BITS]->nodes[(uint32_t)id & (PAGE_SIZE - 1)];
}

/* The page at index i, the tree's own to write: copied first when a
 * snapshot shares it. */
static struct page *page_own(struct tree *t, size_t i)
{
	struct page *p = t->pages[i];
	if (p->refs == 1)
		return p;
	struct page *c = xmalloc(sizeof *c);
	memcpy(c->nodes, p->nodes, sizeof c->nodes);
	c->refs = 1;
	page_unref(t, p, 1);
	t->pages[i] = c;
	return c;
}

struct node *tree_node_mut(struct tree *t, int32_t id)
{
	if (id < 0 || (size_t)id >= t->count)
		return NULL;
	return &page_own(t, (uint32_t)id >> PAGE_BITS)->nodes[(uint32_t)id & (PAGE_SIZE - 1)];
}

/* ---- snapshots ---- */

struct tree_snap *tree_snap_take(struct tree *t)
{
	struct tree_snap *s = xcalloc(1, sizeof *s);
	s->npages = t->npages;
	s->pages = xmalloc((t->npages ? t->npages : 1) * sizeof *s->pages);
	for (size_t i = 0; i < t->npages; i++) {
		s->pages[i] = t->pages[i];
		t->pages[i]->refs++;
	}
	s->count = t->count;
	s->max_depth = t->max_depth;
	s->final_leaf = t->final_leaf;
	return s;
}

void tree_snap_restore(struct tree *t, const struct tree_snap *s)
{
	for (size_t i = s->npages; i < t->npages; i++)
		page_unref(t, t->pages[i], 1);
	if (s->npages > t->pages_cap) {
		t->pages_cap = s->npages;
		t->pages = xrealloc(t->pages, t->pages_cap * sizeof *t->pages);
	}
	for (size_t i = 0; i < s->npages; i++) {
		if (i < t->npages && t->pages[i] == s->pages[i])
			continue;
		if (i < t->npages)
			page_unref(t, t->pages[i], 1);
		t->pages[i] = s->pages[i];
		t->pages[i]->refs++;
		t->shared_pages--; /* the tree holds it again */
	}
	t->npages = s->npages;
	t->count = s->count;
	t->max_depth = s->max_depth;
	t->final_leaf = s->final_leaf;
}

void tree_snap_free(struct tree *t, struct tree_snap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->npages; i++)
		page_unref(t, s->pages[i], 0);
	free(s->pages);
	free(s);
}

size_t tree_snap_count(const struct tree_snap *s)
{
	return s->count;
}

size_t tree_shared_bytes(const struct tree *t)
{
	return t->shared_pages * sizeof(struct page);
}

const char *tree_strdup(struct tree *t, const char *s, size_t len)
{
	struct chunk *c = t->chunks;
	if (!c || c->size - c->used < len + 1) {
		size_t size = len + 1 > CHUNK_SIZE ? len + 1 : CHUNK_SIZE;
		struct chunk *n = xmalloc(sizeof *n + size);
		n->used = 0;
		n->size = size;
		/* a big one-off string gets its own chunk behind the current
		 * one, so the current chunk's free space is not wasted */
		if (c && size > CHUNK_SIZE) {
			n->next = c->next;
			c->next = n;
		} else {
			n->next = c;
			t->chunks = n;
		}
		c = n;
	}
	char *d = c->data + c->used;
	memcpy(d, s, len);
	d[len] = '\0';
	c->used += len + 1;
	t->text_bytes += len + 1;
	return d;
}

int32_t tree_add(struct tree *t, int32_t parent, enum node_kind kind,
		 const char *text, size_t len)
{
	if (parent == NODE_NONE) {
		if (t->count != 0)
			return NODE_NONE;
	} else if (!tree_node(t, parent)) {
		return NODE_NONE;
	}
	if (t->count >= INT32_MAX)
		return NODE_NONE;
	size_t id = t->count;
	if ((id >> PAGE_BITS) >= t->npages) {
		if (t->npages == t->pages_cap) {
			t->pages_cap = t->pages_cap ? t->pages_cap * 2 : 16;
			t->pages = xrealloc(t->pages, t->pages_cap * sizeof *t->pages);
		}
		struct page *pg = xmalloc(sizeof *pg);
		pg->refs = 1;
		t->pages[t->npages++] = pg;
	}
	t->count++;
	struct node *n = &page_own(t, id >> PAGE_BITS)->nodes[id & (PAGE_SIZE - 1)];
	memset(n, 0, sizeof *n);
	n->parent = parent;
	n->first_child = n->last_child = n->next_sibling = NODE_NONE;
	n->kind = (uint8_t)kind;
	if (parent != NODE_NONE && (tree_node(t, parent)->flags & NF_PRUNED))
		/* out of the search with its parent, by whoever pruned it */
		n->flags |= tree_node(t, parent)->flags & (NF_PRUNED | NF_BY_USER);
	if (t->borrow && text)
		n->text = text; /* NUL-terminated at len, by the caller's promise */
	else
		n->text = tree_strdup(t, text ? text : "", text ? len : 0);
	n->text_len = (uint32_t)(text ? len : 0);
	n->prm = n->orm = n->uct = n->prior = n->q = NAN;
	n->round = -1;
	if (parent != NODE_NONE) {
		/* after the new node's page is the tree's own: the parent may
		 * be on it */
		struct node *p = tree_node_mut(t, parent);
		n->depth = p->depth + 1;
		if (p->last_child == NODE_NONE)
			p->first_child = (int32_t)id;
		else
			tree_node_mut(t, p->last_child)->next_sibling = (int32_t)id;
		p->last_child = (int32_t)id;
		p->nchildren++;
		if ((int)n->depth > t->max_depth)
			t->max_depth = (int)n->depth;
	}
	return (int32_t)id;
}

void tree_set_answer(struct tree *t, int32_t id, const char *answer)
{
	struct node *n = tree_node_mut(t, id);
	if (!n)
		return;
	n->answer = !answer ? NULL : t->borrow ? answer : tree_strdup(t, answer, strlen(answer));
	if (answer)
		n->flags |= NF_TERMINAL;
}

size_t tree_prune(struct tree *t, int32_t id)
{
	return tree_prune_collect(t, id, NULL, NULL, NULL);
}

size_t tree_prune_collect(struct tree *t, int32_t id, int32_t **marked, size_t *nm, size_t *cap)
{
	return tree_prune_by(t, id, 0, marked, nm, cap);
}

size_t tree_prune_by(struct tree *t, int32_t id, int by_user, int32_t **marked, size_t *nm, size_t *cap)
{
	uint16_t mark = (uint16_t)(NF_PRUNED | (by_user ? NF_BY_USER : 0));
	struct node *n = tree_node(t, id);
	if (!n || (n->flags & NF_PRUNED))
		return 0; /* pruned already, and so is all below it (tree_add) */
	/* iterative preorder walk: subtrees can be deeper than the C stack */
	size_t count = 0;
	int32_t cur = id;
	for (;;) {
		const struct node *c = tree_node(t, cur);
		int before = (c->flags & NF_PRUNED) != 0;
		if (!before) {
			tree_node_mut(t, cur)->flags |= mark;
			c = tree_node(t, cur);
			if (marked) {
				if (*nm == *cap) {
					*cap = *cap ? *cap * 2 : 64;
					*marked = xrealloc(*marked, *cap * sizeof **marked);
				}
				(*marked)[(*nm)++] = cur;
			}
			count++;
		}
		/* a subtree pruned before is pruned throughout: not walked again
		 * (the root of this walk was checked above) */
		if (c->first_child != NODE_NONE && !before) {
			cur = c->first_child;
			continue;
		}
		while (cur != id && tree_node(t, cur)->next_sibling == NODE_NONE)
			cur = tree_node(t, cur)->parent;
		if (cur == id)
			break;
		cur = tree_node(t, cur)->next_sibling;
	}
	return count;
}

void tree_pop(struct tree *t)
{
	if (t->count == 0)
		return;
	int32_t id = (int32_t)t->count - 1;
	struct node *p = tree_node_mut(t, tree_node(t, id)->parent);
	if (p) {
		/* the newest node is its parent's last child */
		if (p->first_child == id) {
			p->first_child = p->last_child = NODE_NONE;
		} else {
			int32_t c = p->first_child;
			while (tree_node(t, c)->next_sibling != id)
				c = tree_node(t, c)->next_sibling;
			tree_node_mut(t, c)->next_sibling = NODE_NONE;
			p->last_child = c;
		}
		p->nchildren--;
	}
	if (t->final_leaf == id)
		t->final_leaf = NODE_NONE;
	t->count--;
}

void tree_pop_to(struct tree *t, int32_t prev_last, int prev_max_depth)
{
	if (t->count == 0)
		return;
	int32_t id = (int32_t)t->count - 1;
	struct node *p = tree_node_mut(t, tree_node(t, id)->parent);
	if (p) {
		if (prev_last == NODE_NONE)
			p->first_child = NODE_NONE;
		else
			tree_node_mut(t, prev_last)->next_sibling = NODE_NONE;
		p->last_child = prev_last;
		p->nchildren--;
	}
	if (t->final_leaf == id)
		t->final_leaf = NODE_NONE;
	t->count--;
	t->max_depth = prev_max_depth;
}

int32_t tree_final_leaf(const struct tree *t)
{
	return t->final_leaf;
}

void tree_mark_final(struct tree *t, int32_t id)
{
	int32_t to = tree_node(t, id) ? id : NODE_NONE, from = t->final_leaf;
	if (to == from)
		return; /* a trace may say it ten thousand times */
	/* only the two paths below their common ancestor change: walk both
	 * up to it, clearing the old side and marking the new */
	int32_t a = from, b = to;
	while (a != b) {
		int da = a == NODE_NONE ? -1 : (int)tree_node(t, a)->depth;
		int db = b == NODE_NONE ? -1 : (int)tree_node(t, b)->depth;
		if (da >= db) {
			tree_node_mut(t, a)->flags &= (uint16_t)~NF_FINAL;
			a = tree_node(t, a)->parent;
		} else {
			tree_node_mut(t, b)->flags |= NF_FINAL;
			b = tree_node(t, b)->parent;
		}
	}
	t->final_leaf = to;
}

size_t tree_path(const struct tree *t, int32_t id, int32_t *out, size_t max)
{
	const struct node *n = tree_node(t, id);
	if (!n)
		return 0;
	size_t len = (size_t)n->depth + 1;
	size_t i = len;
	for (int32_t c = id; c != NODE_NONE; c = tree_node(t, c)->parent) {
		i--;
		if (i < max)
			out[i] = c;
	}
	return len;
}

int tree_max_depth(const struct tree *t)
{
	return t->max_depth;
}

size_t tree_memory(const struct tree *t)
{
	return t->npages * sizeof(struct page) + t->text_bytes;
}

int32_t tree_prev_sibling(const struct tree *t, int32_t id)
{
	const struct node *n = tree_node(t, id);
	if (!n || n->parent == NODE_NONE)
		return NODE_NONE;
	int32_t c = tree_node(t, n->parent)->first_child;
	if (c == id)
		return NODE_NONE;
	while (tree_node(t, c)->next_sibling != id)
		c = tree_node(t, c)->next_sibling;
	return c;
}

int node_text_is(const struct node *n, const char *s, size_t len)
{
	return n->text_len == len && !memcmp(n->text, s, len);
}

int32_t tree_child_with_text(const struct tree *t, int32_t parent, const char *s, size_t len)
{
	for (int32_t c = tree_node(t, parent)->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling)
		if (node_text_is(tree_node(t, c), s, len))
			return c;
	return NODE_NONE;
}

void tree_borrow_strings(struct tree *t, int on)
{
	t->borrow = on;
}

int32_t tree_max_reward_path(const struct tree *t, const struct tree_path_ops *ops, void *ctx, int mean,
			     double *value, unsigned *steps)
{
	size_t nn = tree_count(t);
	if (!nn)
		return NODE_NONE;
	double *sum = xcalloc(nn, sizeof *sum);
	unsigned *len = xcalloc(nn, sizeof *len);
	int32_t *stack = xcalloc(nn, sizeof *stack); /* each node is pushed once */
	int32_t pick = NODE_NONE;
	double best = -INFINITY;
	size_t sp = 0;
	stack[sp++] = 0;
	while (sp) {
		int32_t x = stack[--sp];
		const struct node *xn = tree_node(t, x);
		if (x) {
			double r = ops->reward(ctx, x);
			sum[x] = sum[xn->parent] + (isnan(r) ? 0 : r);
			len[x] = len[xn->parent] + 1;
			if (!ops->enter(ctx, x))
				continue;
			if (ops->terminal(ctx, x)) {
				double v = mean ? sum[x] / len[x] : sum[x];
				if (v > best) {
					best = v;
					pick = x;
				}
				continue;
			}
		}
		/* the children, reversed on the stack so that the first is
		 * taken first */
		size_t from = sp;
		for (int32_t c = xn->first_child; c != NODE_NONE; c = tree_node(t, c)->next_sibling)
			stack[sp++] = c;
		for (size_t a = from, b = sp; a + 1 < b; a++, b--) {
			int32_t tmp = stack[a];
			stack[a] = stack[b - 1];
			stack[b - 1] = tmp;
		}
	}
	if (pick != NODE_NONE) {
		*value = best;
		*steps = len[pick];
	}
	free(sum);
	free(len);
	free(stack);
	return pick;
}
