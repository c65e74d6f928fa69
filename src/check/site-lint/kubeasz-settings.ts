// kubeasz 3.7's settings (its example hosts file and config.yml) that kplay does not honour, each with why,
// in kplay's words. A site that sets one is told so instead of having it dropped silently. A name leaves this
// list when a role of kplay reads it (test/check/site-lint/kubeasz-settings.test.ts fails for a name the
// HA playbook reads); until then the linter already treats a read name as honoured.

const CONTAINERD_ONLY = 'kplay installs containerd only';
const NETWORKS = 'kplay installs flannel, calico, cilium or kube-router (CLUSTER_NETWORK)';
const ADDON = 'kplay does not ship this addon (docs/addons.md lists those it does)';
const HUBBLE = "kplay's cilium manifest has no Hubble";
const NO_HARBOR = "kplay's [harbor] registry is Docker Distribution (Debian's docker-registry), not Harbor";
const SITE_FOLDER = "kplay reads a cluster's files (config.yml, ssl/) from the site folder itself, not cluster_dir";
const REGISTRY = 'kplay mirrors the public registries through REGISTRY_MIRROR (docs/registry.md)';
const RESERVED = 'kubelet reservations are not set; kubelet_extra_args passes kubelet flags';
const ROUTE_REFLECTORS = 'calico runs as a full BGP mesh: route reflectors are not set up';

const LIST: [string, string][] = [
  // the hosts file
  ['cluster_dir', SITE_FOLDER],
  // config.yml: the cluster
  ['INSTALL_SOURCE', 'kplay pushes the binaries found in bin_src (fetch-bin.yml downloads them); no install source'],
  ['OS_HARDEN', 'kplay does not harden the operating system'],
  // the runtime
  ['ENABLE_MIRROR_REGISTRY', REGISTRY],
  ['CONTAINERD_CONFIG_DIR', "kplay writes containerd's configuration to /etc/containerd"],
  ['CONTAINERD_SERVICE_NAME', "kplay's containerd unit is always containerd.service"],
  ['DOCKER_STORAGE_DIR', CONTAINERD_ONLY],
  ['DOCKER_ENABLE_REMOTE_API', CONTAINERD_ONLY],
  // masters and nodes
  ['ENABLE_CLUSTER_AUDIT', 'apiserver audit logging is not set up; apiserver_extra_args passes apiserver flags'],
  ['KUBE_RESERVED_ENABLED', RESERVED],
  ['SYS_RESERVED_ENABLED', RESERVED],
  // the network
  ['DIRECT_ROUTING', "flannel's direct routing is not set by kplay"],
  ['CALICO_RR_ENABLED', ROUTE_REFLECTORS],
  ['CALICO_RR_NODES', ROUTE_REFLECTORS],
  ['calico_ver_main', 'kplay reads calico_ver itself'],
  ['cilium_connectivity_check', 'no connectivity check is run after cilium is applied'],
  ['cilium_hubble_enabled', HUBBLE],
  ['cilium_hubble_ui_enabled', HUBBLE],
  ['kube_ovn_ver', NETWORKS],
  // addons
  ['nfs_provisioner_install', ADDON],
  ['nfs_provisioner_namespace', ADDON],
  ['nfs_provisioner_ver', ADDON],
  ['nfs_storage_class', ADDON],
  ['nfs_server', ADDON],
  ['nfs_path', ADDON],
  ['openebs_install', ADDON],
  ['openebs_ver', ADDON],
  ['openebs_namespace', ADDON],
  ['openebs_hostpath', ADDON],
  ['openebs_hostpath_storage_class', ADDON],
  ['openebs_lvm_storage_class', ADDON],
  ['openebs_lvm_vg', ADDON],
  ['prom_install', ADDON],
  ['prom_namespace', ADDON],
  ['prom_storage_class', ADDON],
  ['prom_chart_ver', ADDON],
  ['network_check_enabled', ADDON],
  ['network_check_schedule', ADDON],
  ['node_problem_detector_install', ADDON],
  ['node_problem_detector_ver', ADDON],
  ['kubeblocks_install', ADDON],
  ['kubeblocks_ver', ADDON],
  ['higress_install', ADDON],
  ['higress_namespace', ADDON],
  ['higress_ver', ADDON],
  ['ingress_nginx_install', ADDON],
  ['ingress_nginx_namespace', ADDON],
  ['ingress_nginx_ver', ADDON],
  ['ingress_nginx_metrics_enabled', ADDON],
  ['argocd_install', ADDON],
  // harbor
  ['HARBOR_VER', NO_HARBOR],
  ['HARBOR_WITH_TRIVY', NO_HARBOR],
];

/** kubeasz setting name -> why kplay does not honour it. */
export const KUBEASZ_NOT_HONOURED: ReadonlyMap<string, string> = new Map(LIST);
