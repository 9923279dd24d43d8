# The PowerPC forms libscs writes, shared by t0112 (ppc64le) and t0113
# (ppc32); sourced after runtime-lib.sh with A set to llvm-mc's arch name.

# ppc_forms OUT FAR: the PowerPC forms after each step (llvm-mc's syntax;
# bne cr0 reads "bf 2").  FAR: "refused" (ppc64) or "slot" (ppc32).
ppc_forms() {
	local o=$1
	add_entries $o kinds f1 f2 v1 v2 &&
	expect_form $o $A initial k_call call inline "bl .~+f1e" &&
	expect_form $o $A initial k_tail tail inline "b .~+f1e" &&
	expect_form $o $A initial k_null call inline "nop" &&
	expect_form $o $A initial k_null tail inline "blr" &&
	expect_form $o $A initial k_ret0 call inline "li 3, 0" &&
	expect_form $o $A initial k_cond cond inline "bf 2, .~+v1e" &&
	expect_form $o $A initial k_call tramp tramp "b .~+f1e" &&
	expect_form $o $A initial k_null tramp tramp "b .~+k_null+44" &&
	expect_form $o $A two k_call call inline "bl .~+f2e" &&
	expect_form $o $A two k_tail tail inline "b .~+f2e" &&
	expect_form $o $A two k_null call inline "bl .~+v2e" &&
	expect_form $o $A two k_null tail inline "b .~+v2e" &&
	expect_form $o $A two k_ret0 call inline "bl .~+f2e" &&
	expect_form $o $A two k_cond cond inline "bf 2, .~+v2e" &&
	expect_form $o $A two k_cond tramp tramp "b .~+v2e" &&
	expect_form $o $A null k_null call inline "nop" &&
	expect_form $o $A null k_null tail inline "blr" &&
	expect_form $o $A null k_ret0 call inline "li 3, 0" &&
	expect_form $o $A null k_cond cond inline "bf 2, .~+k_cond+44" &&
	expect_form $o $A null k_cond tramp tramp "b .~+k_cond+44" &&
	if [ "$2" = refused ]; then
		expect_form $o $A far k_call call inline "bl .~+f2e" &&
		expect_form $o $A far k_call tramp tramp "b .~+f2e"
	else
		expect_form $o $A far k_call call tramp "bl .~+k_call" &&
		expect_form $o $A far k_call tramp tramp "b .~+k_call+8"
	fi &&
	expect_form $o $A back k_call call inline "bl .~+f1e" &&
	expect_form $o $A back k_call tramp tramp "b .~+f1e" &&
	expect_form $o $A back k_null call inline "bl .~+v1e"
}
