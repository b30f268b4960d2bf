/*
 * throttle.h - failed sign-ins per client address.
 *
 * The account lockout (auth.h) protects one account; this protects all
 * of them from one address trying many: after THROTTLE_FAILURES failed
 * sign-ins or second-factor codes within THROTTLE_WINDOW seconds, an
 * address is refused (429) until the window has passed, without
 * running Argon2id.  In memory: a restart forgets, which is harmless.
 * Behind a proxy the address is the one the proxy reports (X-Real-IP).
 */
#ifndef SR_WEB_THROTTLE_H
#define SR_WEB_THROTTLE_H

#include <stdbool.h>

#define THROTTLE_FAILURES 20
#define THROTTLE_WINDOW 900

bool throttle_allow(const char *addr);
void throttle_failed(const char *addr);
/* Forget every address (tests). */
void throttle_reset(void);

#endif /* SR_WEB_THROTTLE_H */
