/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_load.c: loading the module, its PKCS#11 3.0 interfaces, and
 * C_Initialize / C_Finalize arguments.
 */
#include <dlfcn.h>
#include <string.h>

#include "probe.h"

static CK_RV m_create(CK_VOID_PTR_PTR m)
{
	*m = NULL;
	return CKR_OK;
}

/* The interface list: the two-call pattern and sane entries. */
static void iface_list(probe *p)
{
	CK_INTERFACE list[16];
	CK_ULONG n = 0, m, i;
	CK_VERSION *v;
	bool ok = true, named = true;
	CK_RV rv;

	rv = p->get_iflist(list, NULL);
	probe_check(p, 'M', "iface.list_null_count", rv == CKR_ARGUMENTS_BAD,
	            "C_GetInterfaceList(list, NULL): %s", probe_rv(rv));
	rv = p->get_iflist(NULL, &n);
	ok = rv == CKR_OK && n >= 1 && n <= 16;
	m = 0;
	if (ok) {
		rv = p->get_iflist(list, &m);
		ok = rv == CKR_BUFFER_TOO_SMALL && m == n;
	}
	if (ok) {
		m = n;
		rv = p->get_iflist(list, &m);
		ok = rv == CKR_OK && m == n;
	}
	probe_check(p, 'M', "iface.list_two_call", ok,
	            "count %lu, short buffer then exact: %s", (unsigned long)n,
	            probe_rv(rv));
	for (i = 0; ok && i < n; i++) {
		if (list[i].pInterfaceName == NULL ||
		    list[i].pFunctionList == NULL) {
			named = false;
			continue;
		}
		v = list[i].pFunctionList;
		probe_info(p, "iface.entry", "'%s' %u.%u flags 0x%lx",
		           (const char *)list[i].pInterfaceName, v->major,
		           v->minor, (unsigned long)list[i].flags);
		if (strcmp((const char *)list[i].pInterfaceName, "PKCS 11") ==
		            0 &&
		    !((v->major == 2 && v->minor >= 1) || v->major == 3))
			named = false;
	}
	probe_check(p, 'M', "iface.entries", named,
	            "every entry named, with a function list; \"PKCS 11\" "
	            "lists are 2.x or 3.x");
}

/* C_GetInterface filters, and the interface this probe then uses. */
static void iface_get(probe *p)
{
	CK_INTERFACE *i = NULL, *i240 = NULL;
	CK_VERSION v99 = {9, 9}, v240 = {2, 40}, *v;
	char p11[] = "PKCS 11", none[] = "Vendor none of this";
	CK_RV rv;

	rv = p->get_if(NULL, NULL, NULL, 0);
	probe_check(p, 'M', "iface.get_null", rv != CKR_OK,
	            "C_GetInterface(..., NULL, 0): %s", probe_rv(rv));
	rv = p->get_if((CK_UTF8CHAR_PTR)p11, NULL, &i, 0);
	probe_check(p, 'M', "iface.get_pkcs11",
	            rv == CKR_OK && i != NULL &&
	                    strcmp((const char *)i->pInterfaceName, p11) == 0,
	            "C_GetInterface(\"PKCS 11\"): %s", probe_rv(rv));
	if (rv != CKR_OK || i == NULL)
		return;
	v = i->pFunctionList;
	p->f = i->pFunctionList;
	probe_info(p, "iface.used", "using the default \"PKCS 11\" list, %u.%u",
	           v->major, v->minor);
	probe_check(p, 'P', "iface.default_30", v->major == 3 && v->minor == 0,
	            "default \"PKCS 11\" interface is 3.0 (pkcs11-tool lists "
	            "interfaces only through a 3.0 one): %u.%u",
	            v->major, v->minor);
	rv = p->get_if((CK_UTF8CHAR_PTR)p11, &v99, &i, 0);
	probe_check(p, 'M', "iface.get_version", rv != CKR_OK,
	            "C_GetInterface(\"PKCS 11\", 9.9): %s", probe_rv(rv));
	rv = p->get_if((CK_UTF8CHAR_PTR)none, NULL, &i, 0);
	probe_check(p, 'M', "iface.get_name", rv != CKR_OK,
	            "C_GetInterface(\"%s\"): %s", none, probe_rv(rv));
	rv = p->get_if((CK_UTF8CHAR_PTR)p11, NULL, &i, CKF_INTERFACE_FORK_SAFE);
	probe_check(p, 'M', "iface.get_flags",
	            rv != CKR_OK || (i->flags & CKF_INTERFACE_FORK_SAFE),
	            "C_GetInterface(\"PKCS 11\", FORK_SAFE): %s", probe_rv(rv));
	probe_check(p, 'P', "iface.not_fork_safe", rv != CKR_OK,
	            "no fork-safe interface (a child starts uninitialised): %s",
	            probe_rv(rv));
	rv = p->get_if((CK_UTF8CHAR_PTR)p11, &v240, &i240, 0);
	probe_check(p, 'P', "iface.has_240", rv == CKR_OK,
	            "a \"PKCS 11\" 2.40 interface too: %s", probe_rv(rv));
}

static void interfaces(probe *p)
{
	*(void **)&p->get_iflist = dlsym(p->dl, "C_GetInterfaceList");
	*(void **)&p->get_if = dlsym(p->dl, "C_GetInterface");
	probe_ref(p, "iface.exported",
	          p->get_iflist != NULL && p->get_if != NULL ? "yes" : "no",
	          p->get_iflist != NULL && p->get_if != NULL,
	          "C_GetInterfaceList and C_GetInterface exported");
	if (p->get_iflist == NULL || p->get_if == NULL) {
		p->f = p->f2;
		probe_info(p, "iface.used", "using C_GetFunctionList's list");
		return;
	}
	iface_list(p);
	iface_get(p);
	if (p->f == NULL)
		p->f = p->f2;
}

/* C_Initialize's and C_Finalize's arguments. */
static void init_args(probe *p)
{
	char reserved[] = "verbose=yes";
	CK_C_INITIALIZE_ARGS a;
	CK_INFO info;
	CK_RV rv;

	memset(&a, 0, sizeof(a));
	a.pReserved = reserved;
	rv = p->f->C_Initialize(&a);
	probe_check(p, 'M', "init.reserved", rv == CKR_ARGUMENTS_BAD,
	            "C_Initialize(pReserved set): %s", probe_rv(rv));
	if (rv == CKR_OK)
		p->f->C_Finalize(NULL);
	memset(&a, 0, sizeof(a));
	a.CreateMutex = m_create;
	rv = p->f->C_Initialize(&a);
	probe_check(p, 'M', "init.some_mutexes", rv == CKR_ARGUMENTS_BAD,
	            "C_Initialize(one mutex callback of four): %s",
	            probe_rv(rv));
	if (rv == CKR_OK)
		p->f->C_Finalize(NULL);
	memset(&a, 0, sizeof(a));
	a.flags = CKF_OS_LOCKING_OK;
	rv = p->f->C_Initialize(&a);
	probe_check(p, 'M', "init.os_locking", rv == CKR_OK,
	            "C_Initialize(CKF_OS_LOCKING_OK): %s", probe_rv(rv));
	if (rv != CKR_OK)
		return;
	p->initialized = true;
	rv = p->f->C_Initialize(&a);
	probe_check(p, 'M', "init.twice",
	            rv == CKR_CRYPTOKI_ALREADY_INITIALIZED,
	            "C_Initialize again: %s", probe_rv(rv));
	rv = p->f->C_Finalize(reserved);
	probe_check(p, 'M', "init.finalize_reserved", rv == CKR_ARGUMENTS_BAD,
	            "C_Finalize(non-NULL): %s", probe_rv(rv));
	if (p->f->C_GetInfo(&info) == CKR_OK) {
		p->v3 = info.cryptokiVersion.major >= 3;
		probe_info(p, "info.version", "CK_INFO says %u.%u",
		           info.cryptokiVersion.major,
		           info.cryptokiVersion.minor);
	}
	/* Each list's C_GetInfo says its own version. */
	if (p->f != p->f2 && p->f2->C_GetInfo(&info) == CKR_OK)
		probe_check(p, 'P', "iface.info_per_list",
		            p->v3 && info.cryptokiVersion.major == 2 &&
		                    info.cryptokiVersion.minor == 40,
		            "C_GetInfo of C_GetFunctionList's list: %u.%u",
		            info.cryptokiVersion.major,
		            info.cryptokiVersion.minor);
}

void probe_load(probe *p)
{
	CK_C_GetFunctionList get;
	CK_INFO info;
	CK_ULONG n = 0;
	CK_RV rv;

	p->dl = dlopen(p->module, RTLD_NOW | RTLD_LOCAL);
	if (p->dl == NULL) {
		probe_check(p, 'M', "load.dlopen", false, "%s", dlerror());
		return;
	}
	*(void **)&get = dlsym(p->dl, "C_GetFunctionList");
	rv = get != NULL ? get(&p->f2) : CKR_FUNCTION_FAILED;
	probe_check(p, 'M', "load.function_list",
	            rv == CKR_OK && p->f2 != NULL &&
	                    (p->f2->version.major == 2 ||
	                     p->f2->version.major == 3),
	            "C_GetFunctionList: %s, version %u.%u", probe_rv(rv),
	            rv == CKR_OK ? p->f2->version.major : 0,
	            rv == CKR_OK ? p->f2->version.minor : 0);
	if (rv != CKR_OK)
		return;
	rv = p->f2->C_GetInfo(&info);
	probe_check(p, 'M', "load.before_init",
	            rv == CKR_CRYPTOKI_NOT_INITIALIZED &&
	                    p->f2->C_GetSlotList(CK_FALSE, NULL, &n) ==
	                            CKR_CRYPTOKI_NOT_INITIALIZED,
	            "C_GetInfo, C_GetSlotList before C_Initialize: %s",
	            probe_rv(rv));
	interfaces(p);
	init_args(p);
}
