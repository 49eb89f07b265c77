/* protobuf.c - see protobuf.h. */
#include "protobuf.h"

int es_pb_varint(es_pb *pb, uint64_t *v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pb->p >= pb->end) { pb->bad = 1; return 0; }
    uint8_t b = *pb->p++;
    r |= (uint64_t)(b & 0x7F) << shift;
    if (!(b & 0x80)) { *v = r; return 1; }
  }
  pb->bad = 1;
  return 0;
}

int es_pb_next(es_pb *pb, es_pb_field *f) {
  if (pb->bad || pb->p >= pb->end) return 0;
  uint64_t k;
  if (!es_pb_varint(pb, &k)) return 0;
  f->field = (uint32_t)(k >> 3);
  f->wire = (int)(k & 7);
  f->value = 0; f->data = NULL; f->len = 0;
  if (f->field == 0) { pb->bad = 1; return 0; }
  switch (f->wire) {
    case ES_PB_VARINT: return es_pb_varint(pb, &f->value);
    case ES_PB_I64:
    case ES_PB_I32: {
      size_t n = f->wire == ES_PB_I64 ? 8 : 4;
      if ((size_t)(pb->end - pb->p) < n) { pb->bad = 1; return 0; }
      for (size_t i = 0; i < n; i++) f->value |= (uint64_t)pb->p[i] << (8 * i);
      pb->p += n;
      return 1;
    }
    case ES_PB_LEN: {
      uint64_t n;
      if (!es_pb_varint(pb, &n)) return 0;
      if (n > (uint64_t)(pb->end - pb->p)) { pb->bad = 1; return 0; }
      f->data = pb->p; f->len = (size_t)n;
      pb->p += n;
      return 1;
    }
    default: pb->bad = 1; return 0; /* groups (3, 4) never occur in Caffe's files */
  }
}
