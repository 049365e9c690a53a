/*
 * The sockaddr BPF object inside the binary, so that jail needs no file
 * beside it and cannot load a program of another build.  .incbin takes the
 * object clang built; the Makefile passes its path as SOCKADDR_BPF_OBJ and
 * makes this file depend on it.  The size is a symbol of its own, so C
 * needs no arithmetic on two unrelated arrays.
 */
	.section .rodata
	.balign 8
	.globl sockaddr_bpf_obj
	.hidden sockaddr_bpf_obj
	.type sockaddr_bpf_obj, @object
sockaddr_bpf_obj:
	.incbin SOCKADDR_BPF_OBJ
.Lsockaddr_bpf_obj_end:
	.size sockaddr_bpf_obj, .Lsockaddr_bpf_obj_end - sockaddr_bpf_obj
	.balign 8
	.globl sockaddr_bpf_obj_size
	.hidden sockaddr_bpf_obj_size
	.type sockaddr_bpf_obj_size, @object
sockaddr_bpf_obj_size:
	.quad .Lsockaddr_bpf_obj_end - sockaddr_bpf_obj
	.size sockaddr_bpf_obj_size, 8
	.section .note.GNU-stack,"",@progbits
