#!/bin/sh
# The worker's java with a limit of a few KiB on the size of any file it writes (RLIMIT_FSIZE): its result writes fail
# as they would on a full disk. -XX:-UsePerfData: the JVM's own 32 KiB performance file would hit the limit first.
ulimit -f 4
exec "/usr/lib/jvm/java-17-openjdk-amd64/bin/java" -XX:-UsePerfData "$@"
