//! Chart repositories, OCI registries, packaging and dependencies, as helm v4.3.1 handles them.
