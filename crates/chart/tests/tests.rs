//! Integration tests for charthouse-chart.
