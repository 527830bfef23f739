#include "server_table.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "slots.h"
#include "util.h"

struct srv {
	char *base;
	int refs;
	struct srv *next;
	pthread_mutex_t lock;
	struct srv_props props;
	int load;  /* samples out now, every worker's */
	int limit; /* at once: the slots, lowered after a KV-full error; 0: none */
	int good;  /* replies since the limit was last lowered or raised */
	int ceiling; /* a limit lowered with no slots known is lifted again here */
	int flags;
	double last; /* when a call was last taken or given back */
	struct slots table;
	char *tmpl[3];  /* the model's chat template in pieces; NULL: none */
	int tmpl_asked;
	struct http_pool **waiting; /* pools with a call waiting for room */
	size_t nwaiting, capwaiting;
};

/* every server of the process; a handful, so a list */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct srv *table;

struct srv *srv_get(const char *base)
{
	pthread_mutex_lock(&table_lock);
	struct srv *s = table;
	while (s && strcmp(s->base, base))
		s = s->next;
	if (!s) {
		s = xcalloc(1, sizeof *s);
		s->base = xstrdup(base);
		pthread_mutex_init(&s->lock, NULL);
		s->next = table;
		table = s;
	}
	s->refs++;
	pthread_mutex_unlock(&table_lock);
	return s;
}

void srv_put(struct srv *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&table_lock);
	if (--s->refs == 0) {
		for (struct srv **p = &table; *p; p = &(*p)->next)
			if (*p == s) {
				*p = s->next;
				break;
			}
		slots_free(&s->table);
		pthread_mutex_destroy(&s->lock);
		/* the base may hold a password */
		memset(s->base, 0, strlen(s->base));
		free(s->base);
		free(s->waiting);
		for (int i = 0; i < 3; i++)
			free(s->tmpl[i]);
		free(s);
	}
	pthread_mutex_unlock(&table_lock);
}

void srv_set_props(struct srv *s, const struct srv_props *p)
{
	pthread_mutex_lock(&s->lock);
	if (p->slots != s->props.slots) {
		/* a new slot table: the busy slots that still exist stay busy */
		struct slots t;
		slots_init(&t, p->slots);
		for (int i = 0; i < t.n && i < s->table.n; i++)
			t.v[i].busy = s->table.v[i].busy;
		slots_free(&s->table);
		s->table = t;
		s->limit = p->slots;
	}
	s->props = *p;
	pthread_mutex_unlock(&s->lock);
}

struct srv_props srv_props(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	struct srv_props p = s->props;
	pthread_mutex_unlock(&s->lock);
	return p;
}

static void wait_on(struct srv *s, struct http_pool *pool)
{
	for (size_t i = 0; i < s->nwaiting; i++)
		if (s->waiting[i] == pool)
			return;
	if (s->nwaiting == s->capwaiting) {
		s->capwaiting = s->capwaiting ? s->capwaiting * 2 : 8;
		s->waiting = xrealloc(s->waiting, s->capwaiting * sizeof *s->waiting);
	}
	s->waiting[s->nwaiting++] = pool;
}

/* Under the lock: room for n more samples (an idle server takes any). */
static int has_room(const struct srv *s, int n)
{
	return s->limit <= 0 || s->load == 0 || s->load + n <= s->limit;
}

/* Under the lock: whoever waits for room tries again now, not at its
 * next poll. */
static void wake_waiting(struct srv *s)
{
	for (size_t i = 0; i < s->nwaiting; i++)
		http_pool_wake(s->waiting[i]);
	s->nwaiting = 0;
}

int srv_take(struct srv *s, int n, const uint64_t *chain, size_t len, int *slot, struct http_pool *waiter)
{
	pthread_mutex_lock(&s->lock);
	int room = has_room(s, n);
	*slot = -1;
	if (room && n == 1 && s->table.n > 0) {
		*slot = slots_pick(&s->table, chain, len);
		/* a limit below the slots (after a KV-full error) may leave a
		 * slot free that may not be used; no free slot is no room */
		room = *slot >= 0 || s->load == 0;
	}
	if (room) {
		s->load += n;
		s->last = util_now();
	} else if (waiter) {
		wait_on(s, waiter);
	}
	pthread_mutex_unlock(&s->lock);
	return room;
}

long srv_affinity(struct srv *s, const uint64_t *chain, size_t len)
{
	pthread_mutex_lock(&s->lock);
	long a = !has_room(s, 1) ? LONG_MIN : s->table.n > 0 ? slots_affinity(&s->table, chain, len) : 0;
	pthread_mutex_unlock(&s->lock);
	return a;
}

int srv_has_slots(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int n = s->table.n > 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

void srv_give(struct srv *s, int n, int slot)
{
	pthread_mutex_lock(&s->lock);
	s->load -= n;
	if (s->load < 0)
		s->load = 0;
	s->last = util_now();
	slots_release(&s->table, slot);
	wake_waiting(s);
	pthread_mutex_unlock(&s->lock);
}

int srv_quiet(struct srv *s, double seconds)
{
	pthread_mutex_lock(&s->lock);
	int q = s->props.llama && s->load == 0 && s->last > 0 && util_now() - s->last > seconds;
	if (q)
		s->last = util_now(); /* one asks; the others go on */
	pthread_mutex_unlock(&s->lock);
	return q;
}

int srv_slot_ok(struct srv *s, int slot)
{
	pthread_mutex_lock(&s->lock);
	int ok = slot < 0 || slot < s->table.n;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

int srv_kv_full(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int had = s->limit > 0 ? s->limit : s->load;
	if (s->limit <= 0)
		s->ceiling = had;
	s->limit = had / 2 > 1 ? had / 2 : 1;
	s->good = 0;
	int l = s->limit;
	pthread_mutex_unlock(&s->lock);
	return l;
}

void srv_ok(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int most = s->props.slots > 0 ? s->props.slots : s->ceiling;
	if (s->limit > 0 && s->limit < most && ++s->good >= s->limit) {
		/* additive increase: one more at once after a limit's worth
		 * of replies without the error */
		s->limit++;
		s->good = 0;
		if (s->limit >= most && s->props.slots <= 0)
			s->limit = 0; /* back to no limit, as before the error */
		wake_waiting(s);
	}
	pthread_mutex_unlock(&s->lock);
}

int srv_load(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int l = s->load;
	pthread_mutex_unlock(&s->lock);
	return l;
}

int srv_limit(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int l = s->limit;
	pthread_mutex_unlock(&s->lock);
	return l;
}

int srv_flags(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int f = s->flags;
	pthread_mutex_unlock(&s->lock);
	return f;
}

void srv_set_flag(struct srv *s, enum srv_flag f)
{
	pthread_mutex_lock(&s->lock);
	s->flags |= (int)f;
	pthread_mutex_unlock(&s->lock);
}

int srv_template_asked(struct srv *s)
{
	pthread_mutex_lock(&s->lock);
	int a = s->tmpl_asked;
	s->tmpl_asked = 1;
	pthread_mutex_unlock(&s->lock);
	return a;
}

void srv_set_template(struct srv *s, char *const *pieces)
{
	pthread_mutex_lock(&s->lock);
	if (!s->tmpl[0] && pieces[0] && pieces[1] && pieces[2])
		for (int i = 0; i < 3; i++)
			s->tmpl[i] = xstrdup(pieces[i]);
	pthread_mutex_unlock(&s->lock);
}

const char *const *srv_template(struct srv *s)
{
	/* set once, before any call is built, and kept for the entry's life */
	pthread_mutex_lock(&s->lock);
	const char *const *t = s->tmpl[0] ? (const char *const *)s->tmpl : NULL;
	pthread_mutex_unlock(&s->lock);
	return t;
}
