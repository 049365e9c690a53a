/* What prison-oci spec writes and prison-oci features prints. */
#ifndef PRISON_OCISPEC_H
#define PRISON_OCISPEC_H

/* A default config.json for a bundle with its root in rootfs, as JSON text. */
const char *ocispec_default(void);
/* The runtime-spec features document (features.md), as JSON text. */
const char *ocispec_features(void);

#endif
