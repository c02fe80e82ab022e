/**
 * Builds on Kubernetes: one Kaniko Job per build ({@link io.wharf.build.kaniko.KanikoJobs}), with the user's Kaniko
 * flags checked against an allow-list ({@link io.wharf.build.kaniko.KanikoFlags}). Pure builders: nothing here talks
 * to the API server, so the caller decides when a Job is created, watched and deleted.
 */
package io.wharf.build.kaniko;
