using TbScreen.Dicom.Codecs.Isolation;

// Serves decode requests on stdin/stdout (CodecHostProtocol) until stdin closes, which is also how it ends when the
// parent dies. Started only by CodecHostClient; there is nothing to run by hand.
using var input = Console.OpenStandardInput();
using var output = CodecHostServer.OpenReplyStream();
return CodecHostServer.Serve(input, output);
