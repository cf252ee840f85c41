/*
 * The configuration file's parser (netcfg.h): a line is split into words,
 * the first names the setting; every number is checked for its range and
 * every word for its form before anything is taken.
 */
#include <string.h>

#include "netcfg.h"

#define WORDS_MAX 4u
#define WORD_MAX  24u

/** A line split into words (each terminated, truncated words are refused). */
struct netcfg_line {
    char word[WORDS_MAX][WORD_MAX];
    unsigned count;
    bool overflow; /* a word too long, or too many words */
};

/** Splits line (len bytes) at blanks, up to a '#'. */
static void netcfg_split(const char *line, size_t len, struct netcfg_line *l)
{
    memset(l, 0, sizeof(*l));
    size_t i = 0;
    while (i < len && line[i] != '#') {
        if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
            i++;
            continue;
        }
        size_t n = 0;
        while (i + n < len && line[i + n] != ' ' && line[i + n] != '\t' && line[i + n] != '\r' &&
               line[i + n] != '#')
            n++;
        if (l->count == WORDS_MAX || n >= WORD_MAX) {
            l->overflow = true;
            return;
        }
        memcpy(l->word[l->count++], line + i, n);
        i += n;
    }
}

/** A decimal number of at most max in s; false if s is not one. */
static bool netcfg_num(const char *s, uint64_t max, uint64_t *v)
{
    *v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || *v > max / 10u)
            return false;
        *v = *v * 10u + (uint64_t)(*s - '0');
    }
    return *v <= max;
}

/** A dotted IPv4 address "a.b.c.d" at s into ip; *rest is what follows it. */
static bool netcfg_ip(const char *s, uint8_t ip[4], const char **rest)
{
    for (unsigned i = 0; i < 4; i++) {
        char part[4] = {0};
        unsigned n = 0;
        uint64_t v;
        while (n < 3 && s[n] >= '0' && s[n] <= '9') {
            part[n] = s[n];
            n++;
        }
        if (!netcfg_num(part, 255, &v) || (i < 3 && s[n] != '.'))
            return false;
        ip[i] = (uint8_t)v;
        s += n + (i < 3);
    }
    *rest = s;
    return true;
}

/** "aa:bb:cc:dd:ee:ff" into mac. */
static bool netcfg_mac(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17)
        return false;
    for (unsigned i = 0; i < 6; i++) {
        unsigned v = 0;
        for (unsigned j = 0; j < 2; j++) {
            char c = s[i * 3 + j];
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 16u;
            if (d > 15)
                return false;
            v = v * 16u + d;
        }
        if (i < 5 && s[i * 3 + 2] != ':')
            return false;
        mac[i] = (uint8_t)v;
    }
    return true;
}

/** The mac setting; NULL or why not. */
static const char *netcfg_set_mac(const struct netcfg_line *l, struct netcfg *cfg)
{
    if (l->count != 2 || !netcfg_mac(l->word[1], cfg->mac))
        return "mac wants aa:bb:cc:dd:ee:ff";
    if (cfg->mac[0] & 1u)
        return "mac is a group address";
    if (!(cfg->mac[0] | cfg->mac[1] | cfg->mac[2] | cfg->mac[3] | cfg->mac[4] | cfg->mac[5]))
        return "mac is zero";
    return NULL;
}

/** The ip setting; NULL or why not. */
static const char *netcfg_set_ip(const struct netcfg_line *l, struct netcfg *cfg)
{
    const char *rest;
    uint64_t prefix;
    if (l->count != 2 || !netcfg_ip(l->word[1], cfg->ip, &rest) || *rest != '/' ||
        !netcfg_num(rest + 1, 32, &prefix))
        return "ip wants a.b.c.d/prefix";
    if (prefix < 1 || prefix > 30)
        return "ip's prefix length is not 1..30";
    cfg->prefix = (unsigned)prefix;
    return NULL;
}

/** The connect setting; NULL or why not. */
static const char *netcfg_set_connect(const struct netcfg_line *l, struct netcfg *cfg)
{
    const char *rest;
    uint64_t port, bytes;
    if (l->count != 4 || !netcfg_ip(l->word[1], cfg->connect_ip, &rest) || *rest)
        return "connect wants ADDRESS PORT BYTES";
    if (!netcfg_num(l->word[2], 65535, &port) || port == 0)
        return "connect's port is not 1..65535";
    if (!netcfg_num(l->word[3], NETCFG_BYTES_MAX, &bytes) || bytes == 0)
        return "connect's byte count is not 1..1073741824";
    cfg->connect = true;
    cfg->connect_port = (uint16_t)port;
    cfg->connect_bytes = bytes;
    return NULL;
}

/** One line's setting; seen holds which were given (bits: mac, ip, connect). */
static const char *netcfg_line(const struct netcfg_line *l, struct netcfg *cfg, unsigned *seen)
{
    static const char *const key[] = {"mac", "ip", "connect"};
    static const char *(*const set[])(const struct netcfg_line *, struct netcfg *) = {
        netcfg_set_mac, netcfg_set_ip, netcfg_set_connect};
    if (l->overflow)
        return "a word too long, or too many words";
    for (unsigned k = 0; k < sizeof(key) / sizeof(key[0]); k++) {
        if (strcmp(l->word[0], key[k]) != 0)
            continue;
        if (*seen & (1u << k))
            return "a setting given twice";
        *seen |= 1u << k;
        return set[k](l, cfg);
    }
    return "unknown setting (mac, ip or connect)";
}

unsigned netcfg_parse(const char *text, size_t len, struct netcfg *cfg, const char **why)
{
    struct netcfg_line l;
    unsigned seen = 0, line = 1;
    memset(cfg, 0, sizeof(*cfg));
    *why = NULL;
    for (size_t i = 0; i < len; line++) {
        size_t n = 0;
        while (i + n < len && text[i + n] != '\n')
            n++;
        netcfg_split(text + i, n, &l);
        i += n + 1;
        if (l.count == 0 && !l.overflow)
            continue;
        *why = netcfg_line(&l, cfg, &seen);
        if (*why)
            return line;
    }
    if ((seen & 3u) != 3u) {
        *why = (seen & 1u) ? "no ip line" : "no mac line";
        return line;
    }
    return 0;
}
