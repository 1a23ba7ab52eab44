// Every class here builds torch modules, and module initialisation draws from torch's one global generator. Run in
// parallel, another class's draws changed a seeded net's weights from run to run (regression: the fp16 measurement
// saw GoogLeNet logits up to 4.3 in one run and 0.5 in the next, and failed once). One at a time keeps seeds exact.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
