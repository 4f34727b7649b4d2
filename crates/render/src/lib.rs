//! Helm v4.3.1's rendering engine and the output of `helm template`.
