/*
 * What the library exports.  It is built with hidden visibility: only
 * what its headers mark PRISON_API is visible outside it, so a shared
 * library cut from it would export its interface (src/include/prison.h)
 * and nothing more.  make lint checks that the front ends use nothing else.
 */
#ifndef PRISON_API_H
#define PRISON_API_H

#define PRISON_API __attribute__((visibility("default")))

#endif
