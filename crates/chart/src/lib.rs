//! Helm charts as helm v4.3.1 loads them, and the values a render sees.
