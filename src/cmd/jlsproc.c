#include "jlsproc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "../include/prison.h"

static void print_text(const struct jail_record *r, const struct jail_proc *p, size_t n, bool by_name)
{
	char id[300];

	if (by_name)
		snprintf(id, sizeof(id), "%s", r->name);
	else
		snprintf(id, sizeof(id), "%d", r->jid);
	for (size_t i = 0; i < n; i++)
		printf("%6s %7d %6d %-12s %-12s %s\n", id, (int)p[i].pid, (int)p[i].jpid, p[i].user, p[i].juser,
		       p[i].command);
}

static json_object *proc_json(const struct jail_proc *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "jpid", json_object_new_int(p->jpid));
	json_object_object_add(o, "uid", json_object_new_int64(p->uid));
	json_object_object_add(o, "user", json_object_new_string(p->user));
	json_object_object_add(o, "juid", p->juid >= 0 ? json_object_new_int64(p->juid) : NULL);
	json_object_object_add(o, "juser", json_object_new_string(p->juser));
	json_object_object_add(o, "init", json_object_new_boolean(p->init));
	json_object_object_add(o, "command", json_object_new_string(p->command));
	return o;
}

static json_object *jail_json(const struct jail_record *r, const struct jail_proc *p, size_t n)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "jid", json_object_new_int(r->jid));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, proc_json(&p[i]));
	json_object_object_add(o, "process", a);
	return o;
}

void xml_escaped(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '&': fputs("&amp;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar(*s);
		}
	}
}

/* An object's members as elements; an array's items each as an element named by the array's key. */
static void xml_members(json_object *o)
{
	json_object_object_foreach(o, k, v) {
		if (json_object_is_type(v, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				printf("<%s>", k);
				xml_members(json_object_array_get_idx(v, i));
				printf("</%s>", k);
			}
			continue;
		}
		printf("<%s>", k);
		if (v)
			xml_escaped(json_object_get_string(v));
		printf("</%s>", k);
	}
}

/* As jls --libxo: {"__version": "2", "jail-information": {"jail": [{..., "process": [...]}]}}. */
static void print_doc(json_object *jails, enum xo xo)
{
	json_object *top = json_object_new_object(), *info = json_object_new_object();

	json_object_object_add(top, "__version", json_object_new_string("2"));
	json_object_object_add(info, "jail", jails);
	if (xo == XO_JSON) {
		json_object_object_add(top, "jail-information", info);
		printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("<jail-information __version=\"2\">");
		xml_members(info);
		printf("</jail-information>\n");
		json_object_put(info);
	}
	json_object_put(top);
}

int jls_print_procs(const struct jail_record *list, const bool *listed, size_t n, bool by_name, enum xo xo)
{
	json_object *jails = xo != XO_TEXT ? json_object_new_array() : NULL;
	int ret = 0;

	if (xo == XO_TEXT)
		printf("   JID     PID   JPID User         JUser        Command\n");
	for (size_t i = 0; i < n; i++) {
		struct jail_proc *p = NULL;
		size_t np = 0;
		struct perr e = { 0 };
		if (!listed[i])
			continue;
		if (jail_procs(&list[i], &p, &np, &e) < 0) {
			/* A jail that went meanwhile has no processes to show. */
			if (e.err != ENOENT) {
				fprintf(stderr, "jls: %s: %s\n", list[i].name, e.msg);
				ret = 1;
			}
			continue;
		}
		if (jails)
			json_object_array_add(jails, jail_json(&list[i], p, np));
		else
			print_text(&list[i], p, np, by_name);
		free(p);
	}
	if (jails)
		print_doc(jails, xo);
	return ret;
}
