// io.containerd.cgroups.v1: cgroup v1 stats (Metrics and its parts), the data of a
// containerd.types.Metric on cgroup v1 hosts (type_url "io.containerd.cgroups.v1.Metrics").
export * from '../gen/containerd/cgroups/stats/v1/metrics.js';
