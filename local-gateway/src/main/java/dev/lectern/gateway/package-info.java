/**
 * The local gateway: a stand-in for the service that speaks the same protocol, so Lectern and its users
 * can run and test everything on one machine without an AWS account.
 */
package dev.lectern.gateway;
