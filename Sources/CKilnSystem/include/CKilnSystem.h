// System calls Swift's Glibc module leaves out, for the Swift targets.
#ifndef CKILNSYSTEM_H
#define CKILNSYSTEM_H

#include <sys/types.h>
#include <sys/xattr.h>

#endif
