/**
 * Sender reputation with memory: outcome counts per entity of a transaction (client address, its network, its AS,
 * HELO name, envelope and header sender domains, the sender's nameserver hosts) kept as day buckets in the state
 * store, turned into bounded findings of check {@code reputation}, learned from trusted outcomes only (never from
 * verdicts reputation itself decided). Also the greylist state of the SMTP decision's greylist band. Pure logic plus
 * a thin asynchronous adapter over {@link io.portcullis.store.StateStore}; no James type.
 */
package io.portcullis.reputation;
