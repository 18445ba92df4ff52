//===- string.h - a stand-in for the C library's <string.h> -------*- C -*-===//
//
// The runtime is compiled for every target effnetc emits for, whose C
// libraries' headers are not on the build machine; HalideRuntime.h includes
// <string.h>, and needs no more of it than this.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_CODEGEN_RUNTIME_INCLUDE_STRING_H
#define EFFNET_CODEGEN_RUNTIME_INCLUDE_STRING_H

#include <stddef.h>

void *memcpy(void *to, const void *from, size_t size);
void *memset(void *to, int value, size_t size);

#endif /* EFFNET_CODEGEN_RUNTIME_INCLUDE_STRING_H */
