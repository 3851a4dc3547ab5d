package dev.hydra.gateway;

/**
 * One request the gateway sent upstream.
 *
 * @param account the name of the Claude account whose token it carried, never the token
 * @param status the HTTP status the upstream answered; 502 when it could not be reached
 * @param tokens the usage its answer reported; zero for errors
 */
public record UpstreamCall(String account, int status, TokenUsage tokens) {}
