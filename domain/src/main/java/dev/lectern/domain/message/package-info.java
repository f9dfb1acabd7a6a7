/**
 * The wire protocol's messages as sealed records (protocol sections 2 and 3): what a client sends,
 * keyed on the wire by {@code action}, and what the server pushes, keyed by {@code type}.
 *
 * <p>Optional wire fields are nullable record components; a codec fills the canonical names and maps
 * every alias of protocol section 3.3 onto these records.
 */
package dev.lectern.domain.message;
