/*
 * static.c - the browser front end's files (web/dist), served from
 * --web DIR.
 *
 * Only GET and HEAD, only regular files under the directory: the path
 * is resolved with realpath() and must stay inside the directory
 * (MHD has already decoded %2e%2e into ".."), hidden files and
 * backslashes are refused.  index.html is never cached, so a new build
 * is picked up at once; vite's hashed files under assets/ are cached for
 * a year (their name changes with their content).
 */
#include "server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
};

static const char *
type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (!strcmp(dot, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result
not_found(struct web_req *r)
{
    static const char body[] = "not found\n";
    struct MHD_Response *rs = MHD_create_response_from_buffer(
        sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!rs)
        return MHD_NO;
    MHD_add_response_header(rs, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "text/plain; charset=utf-8");
    ret = web_answer(r, MHD_HTTP_NOT_FOUND, rs);
    MHD_destroy_response(rs);
    return ret;
}

/* The precompressed copy of path (path.gz, written by web/build.sh) for
 * a browser that accepts gzip: an open descriptor with *sb its stat, or
 * -1 to send the file itself.  The copy must be a regular file at least
 * as new as the original. */
static int
gzip_copy(const struct web_req *r, const char *path, struct stat *sb)
{
    const char *ae = web_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    char gz[PATH_MAX + 4];
    struct stat gs;
    int fd;

    if (!ae || !strstr(ae, "gzip") ||
        (size_t)snprintf(gz, sizeof(gz), "%s.gz", path) >= sizeof(gz))
        return -1;
    fd = open(gz, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &gs) != 0 || !S_ISREG(gs.st_mode) ||
        gs.st_mtime < sb->st_mtime) {
        close(fd);
        return -1;
    }
    *sb = gs;
    return fd;
}

enum MHD_Result
web_static(struct web_req *r)
{
    char root[PATH_MAX], want[PATH_MAX * 2], real[PATH_MAX];
    const char *url = r->url, *cache;
    struct stat sb;
    size_t rl;
    int fd, gz;

    if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
        return web_error(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                         NULL, 0, "%s", _("this method is not allowed here"));
    if (!r->cfg->web_dir || !realpath(r->cfg->web_dir, root))
        return not_found(r);
    if (url[0] != '/' || strstr(url, "..") || strchr(url, '\\') ||
        strstr(url, "/.") || (strlen(url) > 3 &&
                              !strcmp(url + strlen(url) - 3, ".gz")))
        return not_found(r);
    if (!strcmp(url, "/"))
        url = "/index.html";
    if ((size_t)snprintf(want, sizeof(want), "%s%s", root, url) >=
        sizeof(want))
        return not_found(r);
    if (!realpath(want, real))
        return not_found(r);
    rl = strlen(root);
    if (strncmp(real, root, rl) || real[rl] != '/')
        return not_found(r);
    fd = open(real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return not_found(r);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return not_found(r);
    }
    if (!strncmp(url, "/assets/", 8))
        cache = "public, max-age=31536000, immutable";
    else
        cache = "no-cache";
    gz = gzip_copy(r, real, &sb);
    if (gz >= 0) {
        close(fd);
        return web_file_encoded(r, gz, (int64_t)sb.st_size, type_of(real),
                                "gzip", cache);
    }
    return web_file_encoded(r, fd, (int64_t)sb.st_size, type_of(real), NULL,
                            cache);
}
