/* floor [capstone] [zydis]: the fixed cost of any scstool process, with
 * nothing of scstool's own in it.  It loads and links the libraries the
 * way ./scstool does (the Makefile: Capstone static; libelf, Zydis and
 * the C library shared, not PIE), then, when asked, decodes one x86-64
 * call with Capstone (with details, as check/ decodes a site) and one
 * with Zydis in minimal mode (as decode/sweep.c does).  make bench times
 * it as it times scstool, so that the start-up, the libraries' first
 * use, and their peak RSS are figures of their own: a bound that no
 * change inside scstool can go below while it uses these libraries. */
#include <Zydis/Zydis.h>
#include <capstone/capstone.h>
#include <libelf.h>
#include <string.h>

static const unsigned char call[] = { 0xe8, 0, 0, 0, 0 };

static int capstone_once(void)
{
	csh h;
	cs_insn *insn;
	size_t n;

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
		return 1;
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(h, call, sizeof(call), 0, 1, &insn);
	if (n)
		cs_free(insn, n);
	cs_close(&h);
	return n != 1;
}

static int zydis_once(void)
{
	ZydisDecoder d;
	ZydisDecodedInstruction insn;

	if (ZYAN_FAILED(ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64)) ||
	    ZYAN_FAILED(ZydisDecoderEnableMode(&d, ZYDIS_DECODER_MODE_MINIMAL,
					       ZYAN_TRUE)))
		return 1;
	return ZYAN_FAILED(ZydisDecoderDecodeInstruction(&d, NULL, call,
							 sizeof(call), &insn));
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "capstone"))
			bad |= capstone_once();
		else if (!strcmp(argv[i], "zydis"))
			bad |= zydis_once();
		else
			return 2;
	}
	return bad;
}
