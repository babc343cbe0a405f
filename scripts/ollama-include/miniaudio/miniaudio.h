/*
 * A stand-in for miniaudio.h, which the Go module of current Ollama releases
 * includes (llama/llama.cpp/tools/mtmd/mtmd-helper.cpp) but does not ship, and
 * no package registry provides. It declares only the names that file uses,
 * and every init returns an error: audio input is unsupported in the test
 * server built by scripts/ensure-ollama.sh, and nothing else needs it.
 */
#ifndef PLAN_MINIAUDIO_STANDIN_H
#define PLAN_MINIAUDIO_STANDIN_H

#include <stddef.h>

typedef int ma_result;
typedef unsigned long long ma_uint64;
typedef unsigned int ma_uint32;

#define MA_SUCCESS 0
#define MA_ERROR (-1)

typedef enum { ma_format_unknown = 0, ma_format_f32 = 5 } ma_format;
typedef enum { ma_encoding_format_unknown = 0, ma_encoding_format_wav = 1 } ma_encoding_format;

typedef struct { ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_decoder_config;
typedef struct { int unused; } ma_decoder;
typedef struct { ma_encoding_format encodingFormat; ma_format format; ma_uint32 channels; ma_uint32 sampleRate; } ma_encoder_config;
typedef struct { int unused; } ma_encoder;

static inline ma_decoder_config ma_decoder_config_init(ma_format f, ma_uint32 ch, ma_uint32 rate) {
    ma_decoder_config c = {f, ch, rate};
    return c;
}
static inline ma_result ma_decoder_init_memory(const void *data, size_t size, const ma_decoder_config *config, ma_decoder *d) {
    (void)data; (void)size; (void)config; (void)d;
    return MA_ERROR;
}
static inline ma_result ma_decoder_get_length_in_pcm_frames(ma_decoder *d, ma_uint64 *n) {
    (void)d; if (n) *n = 0;
    return MA_ERROR;
}
static inline ma_result ma_decoder_read_pcm_frames(ma_decoder *d, void *out, ma_uint64 n, ma_uint64 *read) {
    (void)d; (void)out; (void)n; if (read) *read = 0;
    return MA_ERROR;
}
static inline ma_result ma_decoder_uninit(ma_decoder *d) { (void)d; return MA_SUCCESS; }

static inline ma_encoder_config ma_encoder_config_init(ma_encoding_format e, ma_format f, ma_uint32 ch, ma_uint32 rate) {
    ma_encoder_config c = {e, f, ch, rate};
    return c;
}
static inline ma_result ma_encoder_init_file(const char *path, const ma_encoder_config *config, ma_encoder *e) {
    (void)path; (void)config; (void)e;
    return MA_ERROR;
}
static inline ma_result ma_encoder_write_pcm_frames(ma_encoder *e, const void *in, ma_uint64 n, ma_uint64 *written) {
    (void)e; (void)in; (void)n; if (written) *written = 0;
    return MA_ERROR;
}
static inline void ma_encoder_uninit(ma_encoder *e) { (void)e; }

#endif
