// The cluster tests start several node processes each and measure takeover times: run one at a time,
// so that two tests do not compete for the machine's two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
