/* The evidence pack as one attachable file (evidence --archive FILE.tar.gz),
 * written with libarchive: a gzip-compressed POSIX tar of the pack's folder
 * under one top folder, entries in name order, owner 0, modes 0600/0700, every
 * time the audit's now and no timestamp in the gzip header, so the same pack
 * gives the same bytes. Internal to the stage. */
#ifndef CNTRAUDIT_EVIDENCE_ARCHIVE_H
#define CNTRAUDIT_EVIDENCE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

/* Archives the files and folders of dir named in paths (relative, sorted;
 * a folder's ends with '/', and comes before what it holds), under top/, into
 * archive (an output file: replaced only when whole). 0, or -1 with the error
 * set. */
int evidence_archive(const char *dir, const char *top, char *const *paths, size_t count, const char *archive,
                     int64_t now);

#endif
