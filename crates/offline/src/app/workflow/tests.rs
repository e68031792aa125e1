//! Approvals on the device without a server: lists, boxes, local status, restart.
