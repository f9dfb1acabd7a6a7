/** Pure retry policies: exponential backoff with jitter, and the deterministic entropy it draws from. */
package dev.lectern.domain.retry;
