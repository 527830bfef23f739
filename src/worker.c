#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

struct worker {
	struct search *s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int pipe[2];
	int notified;
	int quit;
	int step_pending;
	double pace; /* seconds between two units of work while running (0: none) */
	struct command *cmds;
	size_t ncmds, cmds_cap;
	struct strbuf out; /* journal lines not yet taken */
	struct worker_status st;
	struct strbuf line; /* the worker thread's own */
};

const char *worker_state_name(enum worker_state s)
{
	static const char *const names[] = {"paused", "running", "stepping", "done", "error"};
	return (unsigned)s < 5 ? names[s] : "?";
}

/* Under the lock: make the pipe readable once until the UI drains it. */
static void notify(struct worker *w)
{
	if (w->notified)
		return;
	char c = 1;
	ssize_t n = write(w->pipe[1], &c, 1);
	(void)n; /* a full pipe is readable already */
	w->notified = 1;
}

static void snapshot(struct worker *w)
{
	w->st.inflight = search_inflight(w->s);
	w->st.usage = *search_usage(w->s);
	w->st.units = search_units(w->s);
	w->st.elapsed = search_elapsed(w->s);
	w->st.errors = search_errors(w->s);
	w->st.warnings = search_warnings(w->s);
	w->st.retrying = search_retrying(w->s, w->st.retry_why, sizeof w->st.retry_why);
	snprintf(w->st.last_error, sizeof w->st.last_error, "%s", search_last_error(w->s) ? search_last_error(w->s) : "");
}

static void set_message(struct worker *w, const char *msg)
{
	snprintf(w->st.message, sizeof w->st.message, "%s", msg);
	w->st.message_seq++;
}

static void on_event(void *ctx, const struct search *s, const struct event *ev)
{
	struct worker *w = ctx;
	(void)s;
	sb_reset(&w->line);
	event_format(&w->line, ev);
	pthread_mutex_lock(&w->lock);
	sb_add(&w->out, w->line.s, w->line.len);
	if (ev->type == EV_USAGE || ev->type == EV_UNIT)
		snapshot(w);
	notify(w);
	pthread_mutex_unlock(&w->lock);
}

static const char *command_name(const struct command *c)
{
	static const char *const names[] = {"expand", "prune", "set", "focus"};
	return names[c->kind];
}

/* Under the lock; runs queued commands (only prunes when mid_batch). */
static void run_commands(struct worker *w, int mid_batch)
{
	size_t i = 0;
	if (search_catching_up(w->s))
		return; /* a resume gives the journal's commands first; these wait */
	while (i < w->ncmds) {
		struct command c = w->cmds[i];
		if (mid_batch && c.kind != CMD_PRUNE) {
			i++;
			continue;
		}
		memmove(&w->cmds[i], &w->cmds[i + 1], (w->ncmds - i - 1) * sizeof *w->cmds);
		w->ncmds--;
		char err[256] = "", msg[300];
		pthread_mutex_unlock(&w->lock);
		int rc = search_command(w->s, &c, err, sizeof err);
		pthread_mutex_lock(&w->lock);
		if (rc)
			snprintf(msg, sizeof msg, "%s: %s", command_name(&c), err);
		else if (c.kind == CMD_SET)
			snprintf(msg, sizeof msg, "set %s", param_name(c.param));
		else
			snprintf(msg, sizeof msg, "%s #%d done", command_name(&c), c.node);
		set_message(w, msg);
		snapshot(w);
		notify(w);
	}
}

/* While a batch waits on the backend: a prune takes effect now, so the
 * requests it makes pointless are cancelled. */
static void on_idle(void *ctx)
{
	struct worker *w = ctx;
	pthread_mutex_lock(&w->lock);
	/* the clock, the retries and the failures go on while the batch
	 * waits: the UI is told each second, and at once of a change */
	struct worker_status was = w->st;
	snapshot(w);
	if (w->st.retrying != was.retrying || w->st.errors != was.errors || w->st.inflight != was.inflight ||
	    (long)w->st.elapsed != (long)was.elapsed)
		notify(w);
	if (w->ncmds)
		run_commands(w, 1);
	pthread_mutex_unlock(&w->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		run_commands(w, 0);
		if (w->quit)
			break;
		int go = w->st.state == WORKER_RUNNING || w->step_pending;
		if (go && (w->st.state == WORKER_DONE || w->st.state == WORKER_FAILED))
			go = 0;
		if (!go) {
			pthread_cond_wait(&w->wake, &w->lock);
			continue;
		}
		int stepping = w->step_pending;
		w->step_pending = 0;
		if (stepping)
			w->st.state = WORKER_STEPPING;
		pthread_mutex_unlock(&w->lock);
		int more = search_step(w->s);
		pthread_mutex_lock(&w->lock);
		snapshot(w);
		if (!more) {
			enum search_state ss = search_state(w->s);
			if (ss == SEARCH_FAILED) {
				w->st.state = WORKER_FAILED;
				set_message(w, search_error(w->s) ? search_error(w->s) : "the search failed");
			} else if (!search_aborted(w->s)) {
				w->st.state = WORKER_DONE;
				set_message(w, "the search is done");
			}
		} else if (stepping || w->st.state == WORKER_STEPPING) {
			w->st.state = WORKER_PAUSED;
		}
		notify(w);
		if (more && w->st.state == WORKER_RUNNING && w->pace > 0 && !w->quit) {
			/* a pace a person can follow: a pause between units; a
			 * command, a pause or quitting ends it early */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			long ns = until.tv_nsec + (long)((w->pace - (long)w->pace) * 1e9);
			until.tv_sec += (time_t)w->pace + ns / 1000000000L;
			until.tv_nsec = ns % 1000000000L;
			pthread_cond_timedwait(&w->wake, &w->lock, &until);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct worker *worker_start(struct search *s, int paused, char *err, size_t errlen)
{
	struct worker *w = xcalloc(1, sizeof *w);
	w->s = s;
	if (pipe(w->pipe)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		free(w);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(w->pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(w->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->st.state = paused ? WORKER_PAUSED : WORKER_RUNNING;
	search_set_listener(s, on_event, w);
	search_set_idle(s, on_idle, w);
	if (pthread_create(&w->thread, NULL, worker_main, w)) {
		snprintf(err, errlen, "could not start the worker thread");
		close(w->pipe[0]);
		close(w->pipe[1]);
		free(w);
		return NULL;
	}
	return w;
}

int worker_fd(const struct worker *w)
{
	return w->pipe[0];
}

void worker_take(struct worker *w, struct strbuf *out)
{
	char buf[64];
	pthread_mutex_lock(&w->lock);
	while (read(w->pipe[0], buf, sizeof buf) > 0)
		;
	w->notified = 0;
	if (w->out.len) {
		sb_add(out, w->out.s, w->out.len);
		sb_reset(&w->out);
	}
	pthread_mutex_unlock(&w->lock);
}

void worker_status(struct worker *w, struct worker_status *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->st;
	pthread_mutex_unlock(&w->lock);
}

static void set_state(struct worker *w, enum worker_state s, int step)
{
	pthread_mutex_lock(&w->lock);
	if (w->st.state != WORKER_DONE && w->st.state != WORKER_FAILED) {
		w->st.state = s;
		if (step)
			w->step_pending = 1;
		pthread_cond_signal(&w->wake);
	}
	notify(w);
	pthread_mutex_unlock(&w->lock);
}

void worker_pause(struct worker *w) { set_state(w, WORKER_PAUSED, 0); }
void worker_resume(struct worker *w) { set_state(w, WORKER_RUNNING, 0); }
void worker_step(struct worker *w) { set_state(w, WORKER_STEPPING, 1); }

void worker_set_pace(struct worker *w, double seconds)
{
	pthread_mutex_lock(&w->lock);
	w->pace = seconds > 0 ? seconds : 0;
	pthread_cond_signal(&w->wake); /* a pause under way ends now */
	pthread_mutex_unlock(&w->lock);
}

void worker_command(struct worker *w, const struct command *c)
{
	pthread_mutex_lock(&w->lock);
	if (w->ncmds == w->cmds_cap) {
		w->cmds_cap = w->cmds_cap ? w->cmds_cap * 2 : 8;
		w->cmds = xrealloc(w->cmds, w->cmds_cap * sizeof *w->cmds);
	}
	w->cmds[w->ncmds++] = *c;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void worker_stop(struct worker *w)
{
	if (!w)
		return;
	search_abort(w->s);
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	search_set_listener(w->s, NULL, NULL);
	search_set_idle(w->s, NULL, NULL);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w->cmds);
	sb_free(&w->out);
	sb_free(&w->line);
	free(w);
}
