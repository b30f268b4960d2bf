/*
 * responses.c - parsing an inspector's answers (see responses.h).
 */
#include "schoolrisk/responses.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "schoolrisk/csv.h"
#include "schoolrisk/decimal.h"
#include "util.h"

sr_error
sr_responses_init(struct sr_responses *r, const struct sr_system *sys)
{
    size_t n;

    sr_system_items(sys, &n);
    memset(r, 0, sizeof(*r));
    r->sys = sys;
    r->n = n;
    /* calloc(0) may return NULL: allocate at least one slot. */
    r->a = calloc(n ? n : 1, sizeof(*r->a));
    r->value = calloc(n ? n : 1, sizeof(*r->value));
    r->note = calloc(n ? n : 1, sizeof(*r->note));
    r->line = calloc(n ? n : 1, sizeof(*r->line));
    if (!r->a || !r->value || !r->note || !r->line) {
        sr_responses_release(r);
        return SR_ERR_NOMEM;
    }
    return SR_OK;
}

void
sr_responses_release(struct sr_responses *r)
{
    size_t i;

    if (r->value)
        for (i = 0; i < r->n; i++)
            free(r->value[i]);
    if (r->note)
        for (i = 0; i < r->n; i++)
            free(r->note[i]);
    free(r->a);
    free(r->value);
    free(r->note);
    free(r->line);
    memset(r, 0, sizeof(*r));
}

/* Report and return SR_ERR_INPUT (or SR_ERR_NOMEM). */
#define FAIL(...)                                                        \
    (sr_diags_add(diags, file, line, __VA_ARGS__) == SR_OK ? SR_ERR_INPUT \
                                                           : SR_ERR_NOMEM)

/* Report, as FAIL does, an answer that is not findings by reason
 * (unknown NULL) or names an unknown reason, with the item's choices. */
static sr_error
fail_reasons(const struct sr_system *sys, const struct sr_item *it,
             const char *v, const char *unknown, struct sr_diags *diags,
             const char *file, long line)
{
    char *choices = sr_item_choices(sys, it);
    sr_error rc;

    if (!choices)
        return SR_ERR_NOMEM;
    if (unknown)
        rc = FAIL(_("item '%s': unknown reason '%s' (%s)"), it->id, unknown,
                  choices);
    else
        rc = FAIL(_("item '%s': '%s' is not findings by reason, written "
                    "reason=count;… (%s)"),
                  it->id, v, choices);
    free(choices);
    return rc;
}

/* The findings of a deduct item with reasons (format 2), written
 * "灭火器过期=2;通道堵塞=1" (reasons not named found nothing) or "0".
 * count[k] receives the findings of reason k; ans->v the points they
 * deduct in all (hundredths), ans->v2 the number of findings. */
static sr_error
parse_reasons(const struct sr_system *sys, const struct sr_item *it,
              const char *v, struct sr_answer *ans, int64_t *count,
              struct sr_diags *diags, const char *file, long line)
{
    const struct sr_reason *rs = &sr_system_reasons(sys)[it->opt_off];
    const char *p = v;
    uint32_t k;

    memset(count, 0, it->opt_n * sizeof(*count));
    for (k = 0; k < it->opt_n; k++)
        count[k] = -1;
    if (!strcmp(v, "0"))
        p = "";
    while (*p) {
        size_t len = strcspn(p, ";"), kl;
        const char *eq = memchr(p, '=', len);
        char key[256], num[32];
        int64_t c;

        if (!eq || (kl = (size_t)(eq - p)) >= sizeof(key) ||
            len - kl - 1 >= sizeof(num))
            return fail_reasons(sys, it, v, NULL, diags, file, line);
        memcpy(key, p, kl);
        key[kl] = '\0';
        memcpy(num, eq + 1, len - kl - 1);
        num[len - kl - 1] = '\0';
        for (k = 0; k < it->opt_n && strcmp(rs[k].value, key); k++)
            ;
        if (k == it->opt_n)
            return fail_reasons(sys, it, v, key, diags, file, line);
        if (count[k] >= 0)
            return FAIL(_("item '%s': reason '%s' is given twice"), it->id,
                        key);
        if (num[0] == '-' || sr_decimal_parse(num, 0, &c) != SR_OK ||
            c > 1000000)
            return fail_reasons(sys, it, v, NULL, diags, file, line);
        count[k] = c;
        p += len;
        if (*p == ';')
            p++;
    }
    ans->v = ans->v2 = 0;
    for (k = 0; k < it->opt_n; k++) {
        if (count[k] < 0)
            count[k] = 0;
        ans->v += count[k] * rs[k].per;
        ans->v2 += count[k];
    }
    return SR_OK;
}

static sr_error
parse_value(const struct sr_system *sys, const struct sr_item *it,
            const struct sr_school *school, const char *v,
            struct sr_answer *ans, struct sr_diags *diags, const char *file,
            long line)
{
    const struct sr_level *lv;
    char *slash;
    uint32_t i;

    ans->state = SR_ANS_VALUE;
    ans->v = ans->v2 = 0;
    switch (it->method) {
    case SR_METHOD_CHECK:
        if (!strcmp(v, "pass") || !strcmp(v, "符合") || !strcmp(v, "是")) {
            ans->v = 1;
            return SR_OK;
        }
        if (!strcmp(v, "fail") || !strcmp(v, "不符合") || !strcmp(v, "否"))
            return SR_OK;
        return FAIL(_("item '%s': expected pass or fail (also 符合/不符合, "
                      "是/否), got '%s'"),
                    it->id, v);
    case SR_METHOD_LEVELS:
        lv = &sr_system_levels(sys)[it->opt_off];
        for (i = 0; i < it->opt_n; i++) {
            if (!strcmp(lv[i].value, v)) {
                ans->v = i;
                return SR_OK;
            }
        }
        {
            char *choices = sr_item_choices(sys, it);
            sr_error rc;

            if (!choices)
                return SR_ERR_NOMEM;
            rc = FAIL(_("item '%s': '%s' is not one of the declared levels "
                        "(%s)"),
                      it->id, v, choices);
            free(choices);
            return rc;
        }
    case SR_METHOD_THRESHOLD:
        /* Every measured quantity (days, minutes, hours, counts, per
         * cent) is >= 0; a minus sign is a typing error. */
        if (*v == '-' ||
            sr_decimal_parse(v, SR_FRACTION_SCALE, &ans->v) != SR_OK)
            return FAIL(_("item '%s': expected a number (0 or more, at most 4 "
                          "decimals), got '%s'"),
                        it->id, v);
        return SR_OK;
    case SR_METHOD_DEDUCT:
        if (sr_item_by_shortfall(it)) {
            /* People or things counted: whole, like the requirement. */
            if (*v == '-' || sr_decimal_parse(v, 0, &ans->v) != SR_OK ||
                ans->v > SR_COUNT_MAX)
                return FAIL(_("item '%s': expected the actual number (a "
                              "whole number, 0 or more), got '%s'"),
                            it->id, v);
            return SR_OK;
        }
        if (it->opt_n) {
            int64_t count[SR_REASONS_MAX];

            if (it->opt_n > SR_REASONS_MAX)
                return FAIL(_("item '%s': unknown method"), it->id);
            return parse_reasons(sys, it, v, ans, count, diags, file, line);
        }
        if (*v == '-' || sr_decimal_parse(v, 0, &ans->v) != SR_OK ||
            ans->v > 1000000)
            return FAIL(_("item '%s': expected a whole number of findings "
                          "(0 or more), got '%s'"),
                        it->id, v);
        return SR_OK;
    case SR_METHOD_RATIO:
        slash = strchr(v, '/');
        if (it->req_attr >= 0) {
            if (slash) {
                char rq[32];

                sr_decimal_format(sr_item_required(sys, it, school), 4, 0,
                                  rq, sizeof(rq));
                return FAIL(_("item '%s': the requirement is derived from %s "
                              "(%s for this school); give only the actual "
                              "number, got '%s'"),
                            it->id, sr_attr_name(it->req_attr), rq, v);
            }
            if (*v == '-' ||
                sr_decimal_parse(v, SR_FRACTION_SCALE, &ans->v) != SR_OK ||
                ans->v > (int64_t)SR_COUNT_MAX * 10000)
                return FAIL(_("item '%s': expected the actual number (0 or "
                              "more, at most 4 decimals), got '%s'"),
                            it->id, v);
            return SR_OK;
        }
        if (slash) {
            char a[48];
            const char *b = slash + 1;
            size_t la = (size_t)(slash - v);

            if (la < sizeof(a)) {
                memcpy(a, v, la);
                a[la] = '\0';
                if (a[0] != '-' && b[0] != '-' &&
                    sr_decimal_parse(a, SR_FRACTION_SCALE, &ans->v) ==
                        SR_OK &&
                    sr_decimal_parse(b, SR_FRACTION_SCALE, &ans->v2) ==
                        SR_OK &&
                    ans->v <= (int64_t)SR_COUNT_MAX * 10000 &&
                    ans->v2 <= (int64_t)SR_COUNT_MAX * 10000) {
                    if (ans->v2 == 0)
                        return FAIL(_("item '%s': the required number must "
                                      "be greater than 0, got '%s'"),
                                    it->id, v);
                    return SR_OK;
                }
            }
        }
        return FAIL(_("item '%s': expected actual/required, for example "
                      "'3/4', got '%s'"),
                    it->id, v);
    default:
        break;
    }
    return FAIL(_("item '%s': unknown method"), it->id);
}

static char *
trim(char *p)
{
    char *e;

    while (*p == ' ' || *p == '\t')
        p++;
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return p;
}

sr_error
sr_responses_set(struct sr_responses *r, const struct sr_school *school,
                 const char *item, const char *value, const char *note,
                 struct sr_diags *diags, const char *file, long line)
{
    const struct sr_system *sys = r->sys;
    const struct sr_item *items, *it;
    struct sr_answer ans;
    size_t n;
    long idx, failing;
    char *vcopy = NULL, *ncopy = NULL;
    sr_error rc;

    items = sr_system_items(sys, &n);
    idx = sr_system_find_item(sys, item);
    if (idx < 0)
        return FAIL(_("unknown item '%s' (not in system '%s' version %s)"),
                    item, sr_system_id(sys), sr_system_version(sys));
    it = &items[idx];
    if (it->method == SR_METHOD_GROUP)
        return FAIL(_("item '%s' is a group, scored from its sub-items; "
                      "answer them instead"),
                    it->id);
    failing = sr_item_failing_cond(sys, it, school);
    if (failing >= 0) {
        char *cond = sr_conds_format(sys, (uint32_t)failing, 1);

        if (!cond)
            return SR_ERR_NOMEM;
        rc = FAIL(_("item '%s' does not apply to this school (condition %s "
                    "does not hold)"),
                  it->id, cond);
        free(cond);
        return rc;
    }
    if (r->a[idx].state != SR_ANS_NONE) {
        if (r->line[idx] > 0)
            return FAIL(_("item '%s' is answered twice (first on line %ld)"),
                        it->id, r->line[idx]);
        return FAIL(_("item '%s' is already answered"), it->id);
    }
    if (!strcmp(value, "na") || !strcmp(value, "NA") ||
        !strcmp(value, "不适用")) {
        if (!it->allow_na)
            return FAIL(_("item '%s' may not be marked not applicable (na)"),
                        it->id);
        ans.state = SR_ANS_NA;
        ans.v = ans.v2 = 0;
    } else if (*value == '\0') {
        return FAIL(_("item '%s': the value is empty"), it->id);
    } else {
        rc = parse_value(sys, it, school, value, &ans, diags, file, line);
        if (rc != SR_OK)
            return rc;
    }
    vcopy = sr_strdup(value);
    if (note && *note)
        ncopy = sr_strdup(note);
    if (!vcopy || (note && *note && !ncopy)) {
        free(vcopy);
        free(ncopy);
        return SR_ERR_NOMEM;
    }
    r->a[idx] = ans;
    r->value[idx] = vcopy;
    r->note[idx] = ncopy;
    r->line[idx] = line;
    return SR_OK;
}

sr_error
sr_responses_parse(struct sr_responses *r, const struct sr_school *school,
                   const char *file, const char *buf, size_t len,
                   struct sr_diags *diags)
{
    struct sr_csv *csv = NULL;
    struct sr_csv_row row;
    char err[160];
    sr_error rc = SR_OK;
    size_t bad;
    long line = 0;
    int k;

    if (len > SR_RESPONSES_MAX_BYTES) {
        rc = FAIL(_("responses file is larger than the limit of %u MiB"),
                  SR_RESPONSES_MAX_BYTES >> 20);
        return rc == SR_ERR_INPUT ? SR_ERR_TOO_LARGE : rc;
    }
    if (!sr_utf8_valid(buf, len, &bad)) {
        line = sr_line_of(buf, bad);
        return FAIL(_("invalid UTF-8 at byte %zu; save the file as UTF-8"),
                    bad + 1);
    }
    csv = sr_csv_new(buf, len);
    if (!csv)
        return SR_ERR_NOMEM;
    k = sr_csv_next(csv, &row, err, sizeof(err));
    if (k <= 0) {
        line = k < 0 ? row.line : 0;
        rc = k < 0 ? FAIL("%s", err) :
                     FAIL(_("the file is empty; expected the header "
                            "'item,value,note'"));
        goto cleanup;
    }
    line = row.line;
    if (row.n < 2 || row.n > 3 || strcmp(trim(row.fields[0]), "item") ||
        strcmp(trim(row.fields[1]), "value") ||
        (row.n == 3 && strcmp(trim(row.fields[2]), "note"))) {
        rc = FAIL(_("expected the header 'item,value,note'"));
        goto cleanup;
    }
    while ((k = sr_csv_next(csv, &row, err, sizeof(err))) != 0) {
        sr_error r1;

        line = row.line;
        if (k < 0) {
            rc = FAIL("%s", err);
            if (rc == SR_ERR_NOMEM)
                goto cleanup;
            break; /* the rest of the file cannot be trusted */
        }
        if (row.n < 2 || row.n > 3) {
            rc = FAIL(_("expected 3 fields (item,value,note), found %zu"),
                      row.n);
            if (rc == SR_ERR_NOMEM)
                goto cleanup;
            continue;
        }
        r1 = sr_responses_set(r, school, trim(row.fields[0]),
                              trim(row.fields[1]),
                              row.n == 3 ? trim(row.fields[2]) : NULL, diags,
                              file, line);
        if (r1 == SR_ERR_NOMEM) {
            rc = r1;
            goto cleanup;
        }
        if (r1 != SR_OK)
            rc = r1;
    }

cleanup:
    sr_csv_free(csv);
    return rc;
}

sr_error
sr_responses_load_file(struct sr_responses *r,
                       const struct sr_school *school, const char *path,
                       struct sr_diags *diags)
{
    char *buf = NULL;
    size_t len = 0;
    sr_error rc;
    const char *file = path;
    long line = 0;

    rc = sr_read_file(path, SR_RESPONSES_MAX_BYTES, &buf, &len);
    if (rc == SR_ERR_TOO_LARGE) {
        rc = FAIL(_("responses file is larger than the limit of %u MiB"),
                  SR_RESPONSES_MAX_BYTES >> 20);
        return rc == SR_ERR_INPUT ? SR_ERR_TOO_LARGE : rc;
    }
    if (rc == SR_ERR_IO) {
        int e = errno;

        rc = FAIL(_("cannot read file: %s"), strerror(e));
        return rc == SR_ERR_INPUT ? SR_ERR_IO : rc;
    }
    if (rc != SR_OK)
        return rc;
    rc = sr_responses_parse(r, school, path, buf, len, diags);
    free(buf);
    return rc;
}

/* The findings of a deduct item with reasons: for a report "灭火器过期
 * 2处、通道堵塞1处" ("无" when none), for a trace (explain) "灭火器过期
 * 2x1 + 通道堵塞 1x2" (count x points each; "0" when none). */
static char *
reasons_text(const struct sr_system *sys, const struct sr_item *it,
             const char *value, bool explain)
{
    const struct sr_reason *rs = &sr_system_reasons(sys)[it->opt_off];
    int64_t count[SR_REASONS_MAX];
    struct sr_answer ans;
    struct sr_diags d;
    struct sr_buf b;
    sr_error rc;
    uint32_t k;

    if (it->opt_n > SR_REASONS_MAX)
        return sr_strdup(value);
    sr_diags_init(&d);
    rc = parse_reasons(sys, it, value, &ans, count, &d, "", 0);
    sr_diags_release(&d);
    if (rc != SR_OK)
        return rc == SR_ERR_NOMEM ? NULL : sr_strdup(value);
    if (ans.v2 == 0)
        return sr_strdup(explain ? "0" : "无");
    sr_buf_init(&b);
    for (k = 0; k < it->opt_n && rc == SR_OK; k++) {
        const char *unit = rs[k].unit ? rs[k].unit :
                           it->unit   ? it->unit :
                                        "处";

        char per[32];

        if (!count[k])
            continue;
        sr_decimal_format(rs[k].per, SR_POINTS_SCALE, 0, per, sizeof(per));
        if (explain)
            rc = sr_buf_addf(&b, "%s%s %lldx%s", b.len ? " + " : "",
                             rs[k].value, (long long)count[k], per);
        else
            rc = sr_buf_addf(&b, "%s%s%lld%s", b.len ? "、" : "",
                             rs[k].value, (long long)count[k], unit);
    }
    if (rc != SR_OK) {
        sr_buf_release(&b);
        return NULL;
    }
    return sr_buf_detach(&b);
}

char *
sr_answer_text(const struct sr_system *sys, const struct sr_item *it,
               const struct sr_school *school, const char *value)
{
    struct sr_answer ans;
    struct sr_diags d;
    char a[48], b[48];
    const char *unit = it->unit ? it->unit : "";
    sr_error rc;

    /* A group has no answer of its own: its failed sub-items are listed
     * with theirs. */
    if (it->method == SR_METHOD_GROUP)
        return sr_strdup("检查组，按子项计分");
    if (!value)
        value = "";
    if (!strcmp(value, "na") || !strcmp(value, "NA") ||
        !strcmp(value, "不适用"))
        return sr_strdup("不适用");
    sr_diags_init(&d);
    memset(&ans, 0, sizeof(ans));
    rc = parse_value(sys, it, school, value, &ans, &d, "", 0);
    sr_diags_release(&d);
    if (rc != SR_OK)
        return rc == SR_ERR_NOMEM ? NULL : sr_strdup(value);
    switch (it->method) {
    case SR_METHOD_CHECK:
        return sr_strdup(ans.v ? "符合" : "不符合");
    case SR_METHOD_LEVELS:
        return sr_strdup(sr_system_levels(sys)[it->opt_off + ans.v].value);
    case SR_METHOD_THRESHOLD:
        sr_decimal_format(ans.v, SR_FRACTION_SCALE, 0, a, sizeof(a));
        return sr_asprintf("%s%s", a, unit);
    case SR_METHOD_DEDUCT:
        if (sr_item_by_shortfall(it)) {
            sr_decimal_format(sr_item_required(sys, it, school),
                              SR_FRACTION_SCALE, 0, b, sizeof(b));
            return sr_asprintf("%lld%s/应配%s%s", (long long)ans.v, unit, b,
                               unit);
        }
        if (it->opt_n)
            return reasons_text(sys, it, value, false);
        return sr_asprintf("%lld%s", (long long)ans.v, *unit ? unit : "处");
    case SR_METHOD_RATIO:
        sr_decimal_format(ans.v, SR_FRACTION_SCALE, 0, a, sizeof(a));
        sr_decimal_format(it->req_attr >= 0 ?
                              sr_item_required(sys, it, school) :
                              ans.v2,
                          SR_FRACTION_SCALE, 0, b, sizeof(b));
        return sr_asprintf("%s%s/应配%s%s", a, unit, b, unit);
    default:
        return sr_strdup(value);
    }
}

char *
sr_answer_deductions(const struct sr_system *sys, const struct sr_item *it,
                     const char *value)
{
    if (!sr_item_has_reasons(it))
        return NULL;
    return reasons_text(sys, it, value ? value : "", true);
}
