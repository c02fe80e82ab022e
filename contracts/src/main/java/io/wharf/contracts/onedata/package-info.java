/**
 * What the gateway, onetrigger and the supervisor agree on about Onedata: which folders are watched
 * ({@link io.wharf.contracts.onedata.OnedataWatch}), how a watch is doing ({@link io.wharf.contracts.onedata.WatchStatus}),
 * OneTrigger's event ({@link io.wharf.contracts.onedata.OneTriggerEvent}) and a Oneprovider's address
 * ({@link io.wharf.contracts.onedata.Oneprovider}).
 */
package io.wharf.contracts.onedata;
