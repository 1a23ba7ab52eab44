// History: module initialisation draws from torch's one global generator, and while tests seeded that generator, another
// class running in parallel changed a seeded net's weights from run to run (the fp16 measurement saw GoogLeNet logits up
// to 4.3 in one run and 0.5 in the next, and failed once). Every test now seeds a generator of its own (weights through
// Fixtures/SeededInit, inputs through randn(..., generator:)); TbScreen.Training.Tests.TestHygieneTests keeps it so.
// Still one class at a time: the parity tests build full-size nets and their exports (up to 245 MB) and are CPU-bound.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
