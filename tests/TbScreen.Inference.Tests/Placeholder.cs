namespace TbScreen.Inference.Tests; internal static class Placeholder2 {}
