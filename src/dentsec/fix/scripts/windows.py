"""Windows fixes as PowerShell 5.1 scripts: built-in NetSecurity, SmbShare, Defender and
BitLocker cmdlets, the registry, and netapi32 for the password policy (locale-free, unlike
``net accounts`` output). Run by an administrator; each script checks it."""

from __future__ import annotations

from dentsec.fix.scripts.model import ScriptFix

PRELUDE = r"""
param([Parameter(Mandatory = $true)][string]$StateFile)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

# Elevation is asked by whoever starts the script (Run as administrator); checked, never assumed.
# https://learn.microsoft.com/en-us/dotnet/api/system.security.principal.windowsprincipal.isinrole
$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    [Console]::Error.WriteLine("Droits administrateur nécessaires : relancez en tant qu'administrateur. Rien n'a été modifié.")
    exit 3
}

function Save-State($State) {
    # The previous values are written before any change; an existing state is never overwritten.
    if (Test-Path -LiteralPath $StateFile) {
        [Console]::Error.WriteLine("État déjà enregistré dans $StateFile : annulez d'abord le correctif précédent. Rien n'a été modifié.")
        exit 4
    }
    $folder = Split-Path -Parent $StateFile
    if ($folder -and -not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder | Out-Null }
    $tmp = "$StateFile.tmp"
    # https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.utility/convertto-json?view=powershell-5.1
    $State | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $tmp -Encoding UTF8
    Move-Item -LiteralPath $tmp -Destination $StateFile
}

function Read-State {
    # https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.utility/convertfrom-json?view=powershell-5.1
    return (Get-Content -LiteralPath $StateFile -Raw -Encoding UTF8 | ConvertFrom-Json)
}

function Get-RegState([string]$Path, [string]$Name) {
    # https://learn.microsoft.com/en-us/dotnet/api/microsoft.win32.registrykey.getvaluekind
    $keyExists = Test-Path -LiteralPath $Path
    $state = @{ Path = $Path; Name = $Name; KeyExisted = $keyExists; Exists = $false; Value = $null; Kind = $null }
    if ($keyExists) {
        $key = Get-Item -LiteralPath $Path
        if ($key.GetValueNames() -contains $Name) {
            $state.Exists = $true
            # Saved as stored: %SystemRoot% stays %SystemRoot% in an expandable string.
            $state.Value = $key.GetValue($Name, $null, 'DoNotExpandEnvironmentNames')
            $state.Kind = $key.GetValueKind($Name).ToString()
        }
    }
    return $state
}

function Set-RegDword([string]$Path, [string]$Name, [int]$Value) {
    # New-Item -Force on an existing key would empty it: create the key only when missing.
    # https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.management/new-itemproperty?view=powershell-5.1
    if (-not (Test-Path -LiteralPath $Path)) { New-Item -Path $Path -Force | Out-Null }
    New-ItemProperty -LiteralPath $Path -Name $Name -PropertyType DWord -Value $Value -Force | Out-Null
}

function Restore-RegState($Saved) {
    if ($Saved.Exists) {
        if (-not (Test-Path -LiteralPath $Saved.Path)) { New-Item -Path $Saved.Path -Force | Out-Null }
        New-ItemProperty -LiteralPath $Saved.Path -Name $Saved.Name -PropertyType $Saved.Kind -Value $Saved.Value -Force | Out-Null
    } elseif (Test-Path -LiteralPath $Saved.Path) {
        Remove-ItemProperty -LiteralPath $Saved.Path -Name $Saved.Name -ErrorAction SilentlyContinue
        $key = Get-Item -LiteralPath $Saved.Path
        if (-not $Saved.KeyExisted -and $key.ValueCount -eq 0 -and $key.SubKeyCount -eq 0) {
            Remove-Item -LiteralPath $Saved.Path
        }
    }
}
"""

TS = r"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server"
TS_POLICY = r"HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services"
EXPLORER_POLICY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\Explorer"
SYSTEM_POLICY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System"
DEFENDER_POLICY = r"HKLM:\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection"
RDP_GROUP = "@FirewallAPI.dll,-28752"
"""The "Remote Desktop" firewall rule group by its resource id: the same on every language."""

FIREWALL = ScriptFix(
    name="windows-firewall-profiles", os="windows", checks=("FW-ENABLED",),
    title={"fr": "Pare-feu Windows actif sur les trois profils, entrées bloquées par défaut",
           "en": "Windows firewall on for all three profiles, inbound blocked by default"},
    changes={"fr": "Active le pare-feu des profils Domaine, Privé et Public et bloque par défaut "
                   "les connexions entrantes non autorisées par une règle.",
             "en": "Turns the Domain, Private and Public firewall profiles on and blocks inbound "
                   "connections no rule allows."},
    risks={"fr": "Les règles existantes (partage, logiciel du cabinet, assistance à distance) "
                 "restent en place : seules les connexions sans règle sont bloquées.",
           "en": "Existing rules (sharing, practice software, remote support) stay: only "
                 "connections without a rule are blocked."},
    docs=("https://learn.microsoft.com/en-us/powershell/module/netsecurity/set-netfirewallprofile",),
    apply=r"""
# https://learn.microsoft.com/en-us/powershell/module/netsecurity/get-netfirewallprofile
$saved = @(Get-NetFirewallProfile | ForEach-Object {
    @{ Name = $_.Name; Enabled = $_.Enabled.ToString(); DefaultInboundAction = $_.DefaultInboundAction.ToString() }
})
Save-State @{ Profiles = $saved }
# https://learn.microsoft.com/en-us/powershell/module/netsecurity/set-netfirewallprofile
Set-NetFirewallProfile -All -Enabled True -DefaultInboundAction Block
""",
    undo=r"""
$state = Read-State
foreach ($p in $state.Profiles) {
    # https://learn.microsoft.com/en-us/powershell/module/netsecurity/set-netfirewallprofile
    Set-NetFirewallProfile -Name $p.Name -Enabled $p.Enabled -DefaultInboundAction $p.DefaultInboundAction
}
""")

RDP_OFF = ScriptFix(
    name="windows-rdp-off", os="windows", checks=("FW-REMOTE-DESKTOP",),
    title={"fr": "Bureau à distance (RDP) fermé", "en": "Remote Desktop (RDP) closed"},
    changes={"fr": "Refuse les connexions Bureau à distance (fDenyTSConnections = 1) et "
                   "désactive les règles de pare-feu « Bureau à distance ».",
             "en": "Refuses Remote Desktop connections (fDenyTSConnections = 1) and disables the "
                   "'Remote Desktop' firewall rules."},
    risks={"fr": "Cela coupe l'accès du prestataire par Bureau à distance. Avant de lancer, "
                 "convenez avec lui de son autre accès : son outil d'assistance que la personne "
                 "au poste accepte à chaque session, ou son VPN. Si RDP doit rester, ne lancez "
                 "pas ce correctif : demandez-lui d'exiger NLA et de limiter la règle au VPN "
                 "(voir dentsec explain FW-REMOTE-DESKTOP). L'annulation rouvre RDP comme avant.",
           "en": "This cuts the IT provider's Remote Desktop access. Before running it, agree on "
                 "their other way in: their support tool the person at the workstation accepts "
                 "at each session, or their VPN. If RDP must stay, do not run this fix: ask "
                 "them to require NLA and restrict the rule to the VPN (see dentsec explain "
                 "FW-REMOTE-DESKTOP). Undo reopens RDP as before."},
    docs=("https://learn.microsoft.com/en-us/windows-hardware/customize/desktop/unattend/"
          "microsoft-windows-terminalservices-localsessionmanager-fdenytsconnections",
          "https://learn.microsoft.com/en-us/powershell/module/netsecurity/disable-netfirewallrule"),
    apply=rf"""
$ts = '{TS}'
$policy = '{TS_POLICY}'
$group = '{RDP_GROUP}'
# https://learn.microsoft.com/en-us/powershell/module/netsecurity/get-netfirewallrule
$rules = @(Get-NetFirewallRule -Group $group -ErrorAction SilentlyContinue | ForEach-Object {{
    @{{ Name = $_.Name; Enabled = $_.Enabled.ToString() }}
}})
Save-State @{{ Values = @((Get-RegState $ts 'fDenyTSConnections'), (Get-RegState $policy 'fDenyTSConnections')); Rules = $rules }}
# fDenyTSConnections = 1 refuses connections; the policy value, when set, wins over the system one.
# https://learn.microsoft.com/en-us/windows-hardware/customize/desktop/unattend/microsoft-windows-terminalservices-localsessionmanager-fdenytsconnections
Set-RegDword $ts 'fDenyTSConnections' 1
if ((Get-RegState $policy 'fDenyTSConnections').Exists) {{ Set-RegDword $policy 'fDenyTSConnections' 1 }}
if ($rules.Count -gt 0) {{
    # https://learn.microsoft.com/en-us/powershell/module/netsecurity/disable-netfirewallrule
    Disable-NetFirewallRule -Group $group
}}
""",
    undo=r"""
$state = Read-State
# https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.management/new-itemproperty?view=powershell-5.1
foreach ($v in $state.Values) { Restore-RegState $v }
foreach ($r in @($state.Rules)) {
    if ($r.Enabled -eq 'True') {
        # https://learn.microsoft.com/en-us/powershell/module/netsecurity/enable-netfirewallrule
        Enable-NetFirewallRule -Name $r.Name
    }
}
""")

SMB1_OFF = ScriptFix(
    name="windows-smb1-off", os="windows", checks=("FW-SMB1",),
    title={"fr": "Protocole SMBv1 désactivé", "en": "SMBv1 protocol disabled"},
    changes={"fr": "Désactive SMBv1 sur le serveur de fichiers de ce poste.",
             "en": "Disables SMBv1 on this workstation's file server."},
    risks={"fr": "Un très vieil appareil (scanner, NAS d'avant 2010) qui ne parle que SMBv1 ne "
                 "pourra plus déposer de fichiers ici : mettez-le à jour ; l'annulation "
                 "réactive SMBv1.",
           "en": "A very old device (scanner, NAS from before 2010) speaking only SMBv1 can no "
                 "longer drop files here: update it; undo re-enables SMBv1."},
    docs=("https://learn.microsoft.com/en-us/windows-server/storage/file-server/troubleshoot/"
          "detect-enable-and-disable-smbv1-v2-v3",),
    apply=r"""
# https://learn.microsoft.com/en-us/powershell/module/smbshare/get-smbserverconfiguration
$config = Get-SmbServerConfiguration
Save-State @{ EnableSMB1Protocol = [bool]$config.EnableSMB1Protocol }
# Splatted: the parameter is the same, and grammar checkers mis-read digits in its name.
# https://learn.microsoft.com/en-us/windows-server/storage/file-server/troubleshoot/detect-enable-and-disable-smbv1-v2-v3
$settings = @{ EnableSMB1Protocol = $false; Force = $true }
Set-SmbServerConfiguration @settings
""",
    undo=r"""
$state = Read-State
# https://learn.microsoft.com/en-us/powershell/module/smbshare/set-smbserverconfiguration
$settings = @{ EnableSMB1Protocol = [bool]$state.EnableSMB1Protocol; Force = $true }
Set-SmbServerConfiguration @settings
""")

AUTORUN_OFF = ScriptFix(
    name="windows-autorun-off", os="windows", checks=("DL-AUTORUN",),
    title={"fr": "Exécution automatique (AutoRun) coupée pour tous les lecteurs",
           "en": "AutoRun turned off for every drive"},
    changes={"fr": "NoDriveTypeAutoRun = 0xFF (stratégie machine) : rien ne se lance seul à "
                   "l'insertion d'une clé USB ou d'un CD.",
             "en": "NoDriveTypeAutoRun = 0xFF (machine policy): nothing starts by itself when a "
                   "USB key or CD is inserted."},
    risks={"fr": "Un CD d'installation ne démarre plus seul : ouvrez-le et lancez le programme.",
           "en": "An install CD no longer starts by itself: open it and start the program."},
    docs=("https://learn.microsoft.com/en-us/windows/win32/shell/autoplay-reg",),
    apply=rf"""
$path = '{EXPLORER_POLICY}'
Save-State @{{ Values = @(Get-RegState $path 'NoDriveTypeAutoRun') }}
# 0xFF disables AutoRun on every drive type.
# https://learn.microsoft.com/en-us/windows/win32/shell/autoplay-reg
Set-RegDword $path 'NoDriveTypeAutoRun' 255
""",
    undo=r"""
$state = Read-State
# https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.management/new-itemproperty?view=powershell-5.1
foreach ($v in $state.Values) { Restore-RegState $v }
""")

SCREEN_LOCK = ScriptFix(
    name="windows-inactivity-lock", os="windows", checks=("ACC-SCREEN-LOCK",),
    title={"fr": "Verrouillage de la session après 5 minutes d'inactivité",
           "en": "Session locked after 5 idle minutes"},
    changes={"fr": "Stratégie « Ouverture de session interactive : limite d'inactivité de "
                   "l'ordinateur » à 300 secondes (InactivityTimeoutSecs), pour tous les comptes.",
             "en": "Policy 'Interactive logon: Machine inactivity limit' set to 300 seconds "
                   "(InactivityTimeoutSecs), for every account."},
    risks={"fr": "La session se verrouille après 5 minutes sans activité ; il faut retaper son "
                 "mot de passe ou son code. Effet au prochain redémarrage.",
           "en": "The session locks after 5 idle minutes; the password or PIN must be typed "
                 "again. Effective after the next restart."},
    docs=("https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/"
          "security/threat-protection/security-policy-settings/"
          "interactive-logon-machine-inactivity-limit",),
    apply=rf"""
$path = '{SYSTEM_POLICY}'
Save-State @{{ Values = @(Get-RegState $path 'InactivityTimeoutSecs') }}
# https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-10/security/threat-protection/security-policy-settings/interactive-logon-machine-inactivity-limit
Set-RegDword $path 'InactivityTimeoutSecs' 300
""",
    undo=r"""
$state = Read-State
# https://learn.microsoft.com/en-us/powershell/module/microsoft.powershell.management/new-itemproperty?view=powershell-5.1
foreach ($v in $state.Values) { Restore-RegState $v }
""")

DEFENDER_REALTIME = ScriptFix(
    name="windows-defender-realtime", os="windows", checks=("FW-AV-PRESENT", "DL-SCAN"),
    title={"fr": "Protection en temps réel de Microsoft Defender activée",
           "en": "Microsoft Defender real-time protection on"},
    changes={"fr": "Remet en marche la protection en temps réel de Defender.",
             "en": "Turns Defender real-time protection back on."},
    risks={"fr": "Si un autre antivirus protège déjà ce poste, Defender se met en retrait de "
                 "lui-même ; sinon aucun effet gênant. Une stratégie de groupe qui la coupe "
                 "l'emporte : le script le dit et ne change rien.",
           "en": "If another antivirus already protects this PC, Defender steps aside by "
                 "itself; otherwise no side effect. A group policy turning it off wins: the "
                 "script says so and changes nothing."},
    docs=("https://learn.microsoft.com/en-us/powershell/module/defender/set-mppreference",),
    apply=rf"""
$policy = Get-RegState '{DEFENDER_POLICY}' 'DisableRealtimeMonitoring'
if ($policy.Exists -and $policy.Value -eq 1) {{
    [Console]::Error.WriteLine("Une stratégie de groupe coupe la protection en temps réel : voyez avec le prestataire. Rien n'a été modifié.")
    exit 5
}}
# https://learn.microsoft.com/en-us/powershell/module/defender/get-mppreference
Save-State @{{ DisableRealtimeMonitoring = [bool](Get-MpPreference).DisableRealtimeMonitoring }}
# https://learn.microsoft.com/en-us/powershell/module/defender/set-mppreference
Set-MpPreference -DisableRealtimeMonitoring $false
""",
    undo=r"""
$state = Read-State
# https://learn.microsoft.com/en-us/powershell/module/defender/set-mppreference
Set-MpPreference -DisableRealtimeMonitoring ([bool]$state.DisableRealtimeMonitoring)
""")

DEFENDER_SIGNATURES = ScriptFix(
    name="windows-defender-signatures", os="windows", checks=("FW-AV-UPDATED",),
    title={"fr": "Signatures de Microsoft Defender mises à jour",
           "en": "Microsoft Defender signatures updated"},
    changes={"fr": "Télécharge et installe les dernières signatures de Defender.",
             "en": "Downloads and installs Defender's latest signatures."},
    risks={"fr": "Aucun. L'annulation ne remet pas d'anciennes signatures (ce serait moins "
                 "sûr) : elle dit seulement la version d'avant.",
           "en": "None. Undo does not bring old signatures back (that would be less safe): it "
                 "only tells the earlier version."},
    docs=("https://learn.microsoft.com/en-us/powershell/module/defender/update-mpsignature",),
    apply=r"""
# https://learn.microsoft.com/en-us/powershell/module/defender/get-mpcomputerstatus
$status = Get-MpComputerStatus
Save-State @{ AntivirusSignatureVersion = [string]$status.AntivirusSignatureVersion }
# https://learn.microsoft.com/en-us/powershell/module/defender/update-mpsignature
Update-MpSignature
""",
    undo=r"""
$state = Read-State
Write-Output ("Signatures non remises en arrière (version d'avant : " + $state.AntivirusSignatureVersion + ").")
""")

NETAPI = r"""
# netapi32 NetUserModalsGet/NetUserModalsSet, levels 0 (USER_MODALS_INFO_0) and 3 (USER_MODALS_INFO_3).
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/nf-lmaccess-netusermodalsget
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/nf-lmaccess-netusermodalsset
Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
public static class DentsecModals {
    [StructLayout(LayoutKind.Sequential)]
    public struct Info0 { public uint MinPasswdLen; public uint MaxPasswdAge; public uint MinPasswdAge; public uint ForceLogoff; public uint PasswordHistLen; }
    [StructLayout(LayoutKind.Sequential)]
    public struct Info3 { public uint LockoutDuration; public uint LockoutObservationWindow; public uint LockoutThreshold; }
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode)]
    static extern uint NetUserModalsGet(string server, uint level, out IntPtr buffer);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode, EntryPoint = "NetUserModalsSet")]
    static extern uint Set0(string server, uint level, ref Info0 buffer, out uint parmErr);
    [DllImport("netapi32.dll", CharSet = CharSet.Unicode, EntryPoint = "NetUserModalsSet")]
    static extern uint Set3(string server, uint level, ref Info3 buffer, out uint parmErr);
    [DllImport("netapi32.dll")]
    static extern uint NetApiBufferFree(IntPtr buffer);
    static T Get<T>(uint level) {
        IntPtr p;
        uint rc = NetUserModalsGet(null, level, out p);
        if (rc != 0) { throw new Win32Exception((int)rc); }
        try { return (T)Marshal.PtrToStructure(p, typeof(T)); } finally { NetApiBufferFree(p); }
    }
    public static Info0 GetInfo0() { return Get<Info0>(0); }
    public static Info3 GetInfo3() { return Get<Info3>(3); }
    public static void SetInfo0(Info0 info) { uint e; uint rc = Set0(null, 0, ref info, out e); if (rc != 0) { throw new Win32Exception((int)rc); } }
    public static void SetInfo3(Info3 info) { uint e; uint rc = Set3(null, 3, ref info, out e); if (rc != 0) { throw new Win32Exception((int)rc); } }
}
'@
"""

PASSWORD_POLICY = ScriptFix(
    name="windows-password-policy", os="windows", checks=("PWD-MIN-LENGTH", "PWD-LOCKOUT"),
    title={"fr": "Mots de passe locaux d'au moins 12 caractères, blocage après 5 essais",
           "en": "Local passwords of at least 12 characters, lockout after 5 attempts"},
    changes={"fr": "Longueur minimale 12, blocage du compte 15 minutes après 5 essais ratés "
                   "(comptes locaux de ce poste).",
             "en": "Minimum length 12, account locked 15 minutes after 5 failed attempts (this "
                   "PC's local accounts)."},
    risks={"fr": "Les mots de passe actuels restent valables ; le prochain changement devra "
                 "faire 12 caractères. Un compte bloqué se débloque seul après 15 minutes. Un "
                 "poste dans un domaine suit la stratégie du domaine, pas celle-ci.",
           "en": "Current passwords stay valid; the next change must be 12 characters. A "
                 "locked account unlocks by itself after 15 minutes. A domain-joined PC "
                 "follows the domain policy, not this one."},
    docs=("https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/nf-lmaccess-netusermodalsset",
          "https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/ns-lmaccess-user_modals_info_0",
          "https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/ns-lmaccess-user_modals_info_3"),
    apply=NETAPI + r"""
$info0 = [DentsecModals]::GetInfo0()
$info3 = [DentsecModals]::GetInfo3()
Save-State @{ MinPasswdLen = $info0.MinPasswdLen; LockoutThreshold = $info3.LockoutThreshold; LockoutDuration = $info3.LockoutDuration; LockoutObservationWindow = $info3.LockoutObservationWindow }
if ($info0.MinPasswdLen -lt 12) { $info0.MinPasswdLen = 12 }
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/ns-lmaccess-user_modals_info_0
[DentsecModals]::SetInfo0($info0)
# USER_MODALS_INFO_3: seconds; the observation window may not exceed the duration.
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/ns-lmaccess-user_modals_info_3
$info3.LockoutDuration = 900
$info3.LockoutObservationWindow = 900
$info3.LockoutThreshold = 5
[DentsecModals]::SetInfo3($info3)
""",
    undo=NETAPI + r"""
$state = Read-State
$info0 = [DentsecModals]::GetInfo0()
$info0.MinPasswdLen = [uint32]$state.MinPasswdLen
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/nf-lmaccess-netusermodalsset
[DentsecModals]::SetInfo0($info0)
$info3 = [DentsecModals]::GetInfo3()
$info3.LockoutThreshold = [uint32]$state.LockoutThreshold
$info3.LockoutDuration = [uint32]$state.LockoutDuration
$info3.LockoutObservationWindow = [uint32]$state.LockoutObservationWindow
# https://learn.microsoft.com/en-us/windows/win32/api/lmaccess/ns-lmaccess-user_modals_info_3
[DentsecModals]::SetInfo3($info3)
""")

BITLOCKER = ScriptFix(
    name="windows-bitlocker-explained", os="windows", checks=("ENC-SYSTEM-DISK",),
    title={"fr": "Chiffrement BitLocker : état et marche à suivre (rien n'est lancé)",
           "en": "BitLocker encryption: status and the way to do it (nothing is started)"},
    changes={"fr": "Rien n'est changé : le script montre l'état BitLocker du disque système et "
                   "explique comment l'activer.",
             "en": "Nothing is changed: the script shows the system disk's BitLocker status "
                   "and explains how to turn it on."},
    risks={"fr": "BitLocker n'est jamais démarré sans vous : sans sa clé de récupération, "
                 "gardée en lieu sûr (imprimée, dans le coffre du cabinet), un incident de "
                 "démarrage rend le disque illisible pour toujours.",
           "en": "BitLocker is never started without you: without its recovery key, kept "
                 "safely (printed, in the practice's safe), a boot incident makes the disk "
                 "unreadable for ever."},
    docs=("https://learn.microsoft.com/en-us/powershell/module/bitlocker/get-bitlockervolume",
          "https://learn.microsoft.com/en-us/windows/security/operating-system-security/"
          "data-protection/bitlocker/recovery-overview"),
    explain_only=True,
    apply=r"""
# https://learn.microsoft.com/en-us/powershell/module/bitlocker/get-bitlockervolume
$volume = Get-BitLockerVolume -MountPoint $env:SystemDrive
Write-Output ("Disque " + $env:SystemDrive + " : " + $volume.VolumeStatus + ", protection " + $volume.ProtectionStatus + ".")
Write-Output "Pour chiffrer : Paramètres > Confidentialité et sécurité > Chiffrement de l'appareil (ou Panneau de configuration > Chiffrement de lecteur BitLocker)."
Write-Output "Avant tout : imprimez la clé de récupération et rangez-la en lieu sûr, hors du poste."
""",
    undo=r"""
Write-Output "Rien à annuler : ce script ne change rien."
""")

FIXES = (FIREWALL, RDP_OFF, SMB1_OFF, AUTORUN_OFF, SCREEN_LOCK, DEFENDER_REALTIME,
         DEFENDER_SIGNATURES, PASSWORD_POLICY, BITLOCKER)
