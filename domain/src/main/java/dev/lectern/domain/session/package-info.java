/**
 * The pure session state machine for both roles: {@link dev.lectern.domain.session.SessionMachine#decide}
 * maps a state and an input to the next state and the effects to carry out. States are the design card's
 * five ({@code Connecting}, {@code Active}, {@code Refreshing}, {@code Paused}, {@code Ended}); every legal
 * edge is listed once in {@link dev.lectern.domain.session.Transition}.
 */
package dev.lectern.domain.session;
