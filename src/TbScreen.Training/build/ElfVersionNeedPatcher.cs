// Compiled twice: by MSBuild's RoslynCodeTaskFactory (PatchLibTorchSharp.targets) and into
// TbScreen.Training.Tests (with ELF_PATCHER_ONLY, which leaves out the MSBuild task class).
// Plain C# without dependencies, because the inline task factory compiles a single file.
using System;
using System.IO;
using System.Text;

namespace TbScreen.Build
{
    public enum ElfPatchOutcome
    {
        /// <summary>The version need was strong and is now weak.</summary>
        Patched,

        /// <summary>The version need was weak already: nothing written.</summary>
        AlreadyWeak,

        /// <summary>The file does not need that version at all: nothing written.</summary>
        NotNeeded,
    }

    /// <summary>
    /// Marks one version need (a Vernaux entry in .gnu.version_r) weak by setting VER_FLG_WEAK in vna_flags.
    /// The dynamic loader then tolerates a library that lacks that version instead of refusing to load.
    /// Why: TorchSharp 0.107.0's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (only for
    /// _ZSt21ios_base_library_initv, which GCC 13 emits) while Debian 12's libstdc++ stops at 3.4.30.
    /// </summary>
    public static class ElfVersionNeedPatcher
    {
        public const ushort VerFlagWeak = 0x2;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Patches <paramref name="path"/> in place; writes a new file and renames it, so a hard link
        /// into the NuGet cache is never modified through the output folder.</summary>
        public static ElfPatchOutcome PatchFile(string path, string versionName)
        {
            byte[] bytes = File.ReadAllBytes(path);
            ElfPatchOutcome outcome = Patch(bytes, versionName, path);
            if (outcome == ElfPatchOutcome.Patched)
            {
                string temporary = path + ".patching";
                File.WriteAllBytes(temporary, bytes);
                File.Delete(path); // unlink first: netstandard2.0 (the task factory's target) has no Move(overwrite)
                File.Move(temporary, path);
            }

            return outcome;
        }

        /// <summary>Patches an ELF64 little-endian image in memory. Throws InvalidDataException with the reason
        /// when the file is not such an ELF or has no .gnu.version_r section.</summary>
        public static ElfPatchOutcome Patch(byte[] elf, string versionName, string nameForErrors)
        {
            if (elf.Length < 64 || elf[0] != 0x7F || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw Fail(nameForErrors, "not an ELF file");
            }

            if (elf[4] != 2 || elf[5] != 1)
            {
                throw Fail(nameForErrors, "only 64-bit little-endian ELF is supported");
            }

            ulong sectionTable = U64(elf, 0x28);
            int entrySize = U16(elf, 0x3A);
            int sectionCount = U16(elf, 0x3C);
            if (sectionTable == 0 || entrySize < 64 || sectionTable + (ulong)(sectionCount * entrySize) > (ulong)elf.Length)
            {
                throw Fail(nameForErrors, "the section header table is missing or truncated");
            }

            for (int i = 0; i < sectionCount; i++)
            {
                int header = checked((int)sectionTable + i * entrySize);
                if (U32(elf, header + 4) != ShtGnuVerneed)
                {
                    continue;
                }

                int offset = checked((int)U64(elf, header + 0x18));
                int size = checked((int)U64(elf, header + 0x20));
                int link = (int)U32(elf, header + 0x28);
                int entries = (int)U32(elf, header + 0x2C); // sh_info: number of Verneed entries
                if (offset < 0 || size < 0 || offset + size > elf.Length || link >= sectionCount)
                {
                    throw Fail(nameForErrors, ".gnu.version_r lies outside the file");
                }

                int stringTable = checked((int)U64(elf, checked((int)sectionTable + link * entrySize) + 0x18));
                uint hash = ElfHash(versionName);
                return PatchVerneedChain(elf, offset, offset + size, entries, stringTable, versionName, hash, nameForErrors);
            }

            throw Fail(nameForErrors, "no .gnu.version_r (SHT_GNU_verneed) section, so there is no version need to weaken; " +
                "the TorchSharp native library has changed shape: revisit PatchLibTorchSharp.targets");
        }

        private static ElfPatchOutcome PatchVerneedChain(byte[] elf, int start, int end, int entries, int stringTable,
            string versionName, uint hash, string nameForErrors)
        {
            // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
            int need = start;
            for (int n = 0; n < entries; n++)
            {
                Check(need, 16, start, end, nameForErrors);
                int auxCount = U16(elf, need + 2);
                int aux = need + (int)U32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    Check(aux, 16, start, end, nameForErrors);
                    if (U32(elf, aux) == hash && CString(elf, stringTable + (int)U32(elf, aux + 8)) == versionName)
                    {
                        ushort flags = (ushort)U16(elf, aux + 4);
                        if ((flags & VerFlagWeak) != 0)
                        {
                            return ElfPatchOutcome.AlreadyWeak;
                        }

                        flags |= VerFlagWeak;
                        elf[aux + 4] = (byte)flags;
                        elf[aux + 5] = (byte)(flags >> 8);
                        return ElfPatchOutcome.Patched;
                    }

                    uint nextAux = U32(elf, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }

                    aux += (int)nextAux;
                }

                uint next = U32(elf, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }

            return ElfPatchOutcome.NotNeeded;
        }

        /// <summary>The SysV ELF hash, which vna_hash holds.</summary>
        public static uint ElfHash(string name)
        {
            uint h = 0;
            foreach (byte c in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + c;
                uint g = h & 0xF0000000;
                if (g != 0)
                {
                    h ^= g >> 24;
                }

                h &= ~g;
            }

            return h;
        }

        private static void Check(int at, int length, int start, int end, string nameForErrors)
        {
            if (at < start || at + length > end)
            {
                throw Fail(nameForErrors, ".gnu.version_r entry chain runs outside its section");
            }
        }

        private static InvalidDataException Fail(string name, string reason) =>
            new InvalidDataException("Cannot patch " + name + " for Debian 12 (GLIBCXX version need): " + reason + ".");

        private static string CString(byte[] b, int at)
        {
            int end = at;
            while (end < b.Length && b[end] != 0)
            {
                end++;
            }

            return Encoding.ASCII.GetString(b, at, end - at);
        }

        private static int U16(byte[] b, int at) => b[at] | (b[at + 1] << 8);

        private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);
    }

#if !ELF_PATCHER_ONLY
    /// <summary>MSBuild task: weakens the version need in each given file, logging what it did.</summary>
    public sealed class PatchElfVersionNeed : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        [Microsoft.Build.Framework.Required]
        public string VersionName { get; set; } = "";

        public override bool Execute()
        {
            foreach (var item in Files)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    ElfPatchOutcome outcome = ElfVersionNeedPatcher.PatchFile(path, VersionName);
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, "{0}: {1} {2}", path, outcome, VersionName);
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError("{0}", e.Message);
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
