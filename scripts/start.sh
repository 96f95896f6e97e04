#!/bin/sh
# Runs node (CLOUDDRIVER_NODE, else the one on PATH) with the given arguments (`npm start` passes
# dist/main.js and its own), preloading jemalloc as the process's allocator when the machine has it
# (Debian/Ubuntu: libjemalloc2) unless CLOUDDRIVER_ALLOCATOR=system. glibc's allocator keeps native
# memory a cache fill freed (socket, TLS and HTTP/2 buffers, SQLite pages) resident; jemalloc hands
# it back: a 50k-object account settles at 3.1-4.1 KiB of RSS per object instead of 4.0-4.8
# (docs/benchmarks.md §20; docs/ARCHITECTURE.md, "Dependencies and why").
if [ "${CLOUDDRIVER_ALLOCATOR:-jemalloc}" = jemalloc ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 \
    /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2 /usr/local/lib/libjemalloc.so.2; do
    if [ -r "$lib" ]; then
      case " ${LD_PRELOAD:-} " in *" $lib "*) ;; *) LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD }$lib" ;; esac
      export LD_PRELOAD
      break
    fi
  done
fi
exec "${CLOUDDRIVER_NODE:-node}" "$@"
