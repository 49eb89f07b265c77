/* protobuf.h - just enough of the protobuf wire format to read Caffe's files: a cursor over
 * a buffer, one field at a time. Every read is bounds-checked; a malformed buffer sets
 * `bad` and stops, it never reads past the end. (Not public.) */
#ifndef STUDIO_PROTOBUF_H
#define STUDIO_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  const uint8_t *p, *end;
  int bad; /* set on truncation or a malformed field */
} es_pb;

enum { ES_PB_VARINT = 0, ES_PB_I64 = 1, ES_PB_LEN = 2, ES_PB_I32 = 5 };

typedef struct {
  uint32_t field;
  int wire;
  uint64_t value;         /* VARINT, I64 and I32 fields */
  const uint8_t *data;    /* LEN fields: the payload */
  size_t len;
} es_pb_field;

static inline es_pb es_pb_open(const uint8_t *data, size_t len) { es_pb pb = {data, data + len, 0}; return pb; }
/* The next field, or 0 at the end (or on a malformed buffer: check pb->bad). */
int es_pb_next(es_pb *pb, es_pb_field *f);
/* Decode a packed repeated varint payload's entries one by one. */
int es_pb_varint(es_pb *pb, uint64_t *v);

#endif
