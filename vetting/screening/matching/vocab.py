"""Words set aside before scoring, already in normalized (ASCII, casefolded) form.

Extend these sets as data; nothing else in the engine names a word.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


TITLES = _words(
    """
mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father
sheikh shaykh sheik haji hajji hadji mullah imam ayatollah gen general col colonel
maj major capt captain lt lieutenant adm admiral sgt hon honorable excellency his her
maulana mawlana maulvi mawlawi mufti qari sayyid sayyed seyyed eng engr engineer
haj hajj sardar comrade marshal don senor sr president presidente
"""
)

GENERATIONAL = _words("jr jnr junior sr snr senior ii iii iv phd esq md")

# Corporate forms, written without dots or spaces ("s.a." -> "sa", "l.l.c." -> "llc").
CORPORATE = _words(
    """
inc incorporated corp corporation co company ltd limited llc llp lp plc pllc
gmbh ag kg mbh sa sas sarl srl spa bv nv oy ab as asa aps pte pty bhd sdn
ooo oao zao pao pjsc ojsc cjsc jsc tov kk gk sl slu cv sapi sab
ltda eirl sprl senc senca sdervl sderl sadecv sderldecv fze fzco fzc fzllc wll spc saog saoc
sae pvt kft zrt doo ead ood sro spzoo cia ao too mv mt
the group party movement
"""
)

# Name particles: kept for scoring, but a name is also scored without them.
PARTICLES = _words(
    """
al el ul bin ibn bint ben abu abd abdel abdul van von der den de del della di da du dos
das la le st
"""
)

# Particles written glued to the next word ("alhassan", "abdulrahman").
GLUED_PARTICLES = ("al", "el", "abdul", "abdel", "abu", "bin", "ibn", "van", "von")
