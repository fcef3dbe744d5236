// io.containerd.cgroups.v2: cgroup v2 (unified) stats (Metrics and its parts), the data of a
// containerd.types.Metric on cgroup v2 hosts (type_url "io.containerd.cgroups.v2.Metrics").
export * from '../gen/containerd/cgroups/v2/stats/metrics.js';
